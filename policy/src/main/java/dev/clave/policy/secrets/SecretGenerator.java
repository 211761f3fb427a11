package dev.clave.policy.secrets;

import dev.clave.policy.secrets.SecretSpec.SubjectAltName;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Produces the values of a session's secrets when the session is created or updated (reference §1.2, §1.5).
 *
 * <p>For each secret, in this order of precedence:
 *
 * <ol>
 *   <li><b>Imported</b> ({@code import:}): the value the caller resolved from the exporting session, checked
 *       against the kind ({@code x509-ca} must be a CA certificate). The key type of an imported private
 *       key is not compared with {@code key_type}, which an import does not need to state.
 *   <li><b>Explicit</b> ({@code value:}): ascii as written; binary from hex (either case, surrounding
 *       whitespace ignored); private-key from one PEM {@code PRIVATE KEY} block (unencrypted PKCS#8) whose
 *       algorithm must equal {@code key_type} (P-256 when absent, so an explicit Ed25519 or RSA key needs
 *       {@code key_type}); public-key from one PEM {@code PUBLIC KEY} block (SPKI); x509/x509-ca from one
 *       PEM {@code CERTIFICATE} block, with its private key taken from {@code private_key} when given (it must
 *       belong to the certificate) and its chain from {@code issuer} when given (the certificate must be
 *       signed by it). An explicit x509-ca must say CA:true. Explicit values are kept as given, not
 *       re-encoded.
 *   <li><b>Migrated</b> from the predecessor session on update: an ascii or binary value is kept when the
 *       predecessor has a secret of the same name and kind that was not imported (even if {@code size}
 *       changed: a password in use must not change under a running service); a private key is kept only when
 *       both versions say {@code migrate: true} and the key type is unchanged. Certificates are always
 *       issued anew, public keys are always derived anew, and everything else is new.
 *   <li><b>Generated</b>: see {@link #ASCII_ALPHABET}, {@link #DEFAULT_SIZE}, {@link #MAX_SIZE}, {@link
 *       #DEFAULT_VALID_FOR}; private keys as PKCS#8 (Ed25519 as RFC 5958 v2, with the public key); public
 *       keys derived from {@code private_key}; certificates as described in {@link CertificateIssuer}'s
 *       profile, with CN = {@code common_name}, else the first DNS SAN, else the secret's name.
 * </ol>
 *
 * <p>Secrets are produced in dependency order (private keys before the public keys and certificates using
 * them, CAs before what they issue); a cycle of {@code issuer}/{@code private_key} references is refused.
 * {@code config-fragment} secrets have no value here (the policy parser handles them) and are left out of
 * the result; the kinds Clave does not support are refused.
 */
public final class SecretGenerator {
  /**
   * The characters of a generated ascii secret: every printable ASCII character except space, 0x21 '!'
   * through 0x7E '~' (94 characters, so about 6.55 bits each; 20 characters give 131 bits). It includes
   * quotes, backslash, backtick, '$' and '/': a service that pastes a value into a shell or a URL must
   * encode it.
   */
  public static final String ASCII_ALPHABET = asciiAlphabet();

  /** The size of a generated ascii (characters) or binary (bytes) secret without {@code size}. */
  public static final int DEFAULT_SIZE = 20;

  /** The largest {@code size} (and the longest explicit ascii or binary value); the smallest is 1. */
  public static final int MAX_SIZE = 65536;

  /** The validity of a generated certificate without {@code valid_for}. */
  public static final Duration DEFAULT_VALID_FOR = Duration.ofDays(365);

  /** The longest {@code valid_for}: 100 years of 365.25 days. */
  public static final Duration MAX_VALID_FOR = Duration.ofDays(36525);

  /**
   * The session being replaced by an update: its secret specs and their values.
   *
   * @see #NONE
   */
  public record Predecessor(List<SecretSpec> specs, Map<String, SecretValue> values) {
    /** No predecessor: the session is being created. */
    public static final Predecessor NONE = new Predecessor(List.of(), Map.of());

    public Predecessor {
      specs = List.copyOf(specs);
      values = Map.copyOf(values);
    }
  }

  private final Map<String, SecretSpec> specs = new LinkedHashMap<>();
  private final Map<String, SecretSpec> previousSpecs = new HashMap<>();
  private final Map<String, SecretValue> previousValues;
  private final Map<String, SecretValue> imported;
  private final Instant now;
  private final SecureRandom random;
  private final Map<String, SecretValue> values = new HashMap<>();

  private SecretGenerator(
      Predecessor predecessor, Map<String, SecretValue> imported, Instant now, SecureRandom random) {
    for (SecretSpec s : predecessor.specs()) {
      previousSpecs.put(s.name(), s);
    }
    this.previousValues = predecessor.values();
    this.imported = imported;
    this.now = now;
    this.random = random;
  }

  /**
   * The values of all secrets of a session.
   *
   * @param specs the session's validated secrets
   * @param predecessor the session this one replaces, or {@link Predecessor#NONE}
   * @param imported the values of the imported secrets, by their name in this session, already resolved
   *     and authorised by the caller (see {@link SecretExports})
   * @param now the current time (certificate validity)
   * @param random the randomness for values, keys, serial numbers and signatures
   * @return the values by secret name, in the order of {@code specs}, without config-fragments
   * @throws SecretException naming the secret and the problem
   */
  public static Map<String, SecretValue> generate(
      List<SecretSpec> specs,
      Predecessor predecessor,
      Map<String, SecretValue> imported,
      Instant now,
      SecureRandom random)
      throws SecretException {
    Objects.requireNonNull(now, "now");
    Objects.requireNonNull(random, "random");
    SecretGenerator generator =
        new SecretGenerator(Objects.requireNonNull(predecessor, "predecessor"), Map.copyOf(imported), now, random);
    for (SecretSpec s : specs) {
      if (generator.specs.putIfAbsent(s.name(), s) != null) {
        throw new SecretException("secret '" + s.name() + "' is defined twice");
      }
    }
    for (String name : generator.dependencyOrder()) {
      SecretValue value = generator.produce(generator.specs.get(name));
      if (value != null) {
        generator.values.put(name, value);
      }
    }
    Map<String, SecretValue> result = new LinkedHashMap<>();
    for (SecretSpec s : specs) {
      SecretValue value = generator.values.get(s.name());
      if (value != null) {
        result.put(s.name(), value);
      }
    }
    return Collections.unmodifiableMap(result);
  }

  // ---- ordering ----

  /** The names of the secrets this secret's value is computed from (never for imported secrets). */
  private List<String> dependencies(SecretSpec s) throws SecretException {
    List<String> deps = new ArrayList<>(2);
    if (s.importFrom() != null) {
      return deps;
    }
    switch (s.kind()) {
      case PUBLIC_KEY, X509, X509_CA -> {
        if (s.privateKey() != null) {
          requireKind(s, "private_key", s.privateKey(), SecretKind.PRIVATE_KEY);
          deps.add(s.privateKey());
        }
        if (s.issuer() != null && s.kind() != SecretKind.PUBLIC_KEY) {
          requireKind(s, "issuer", s.issuer(), SecretKind.X509_CA);
          deps.add(s.issuer());
        }
      }
      default -> {}
    }
    return deps;
  }

  private void requireKind(SecretSpec s, String field, String target, SecretKind kind) throws SecretException {
    SecretSpec t = specs.get(target);
    if (t == null) {
      throw new SecretException(
          "secret '" + s.name() + "': " + field + " '" + target + "' is not a secret of this session");
    }
    if (t.kind() != kind) {
      throw new SecretException(
          "secret '" + s.name() + "': " + field + " '" + target + "' is " + SecretEncoding.withArticle(t.kind())
              + " secret, not " + kind.yamlName());
    }
  }

  private List<String> dependencyOrder() throws SecretException {
    List<String> order = new ArrayList<>(specs.size());
    Map<String, Boolean> done = new HashMap<>(); // false: on the current path; true: finished
    for (String name : specs.keySet()) {
      visit(name, done, new ArrayList<>(), order);
    }
    return order;
  }

  private void visit(String name, Map<String, Boolean> done, List<String> path, List<String> order)
      throws SecretException {
    Boolean state = done.get(name);
    if (Boolean.TRUE.equals(state)) {
      return;
    }
    if (Boolean.FALSE.equals(state)) {
      List<String> cycle = new ArrayList<>(path.subList(path.indexOf(name), path.size()));
      cycle.add(name);
      throw new SecretException(
          "secrets refer to each other in a cycle (through issuer or private_key): " + String.join(" -> ", cycle));
    }
    done.put(name, false);
    path.add(name);
    for (String dep : dependencies(specs.get(name))) {
      visit(dep, done, path, order);
    }
    path.remove(path.size() - 1);
    done.put(name, true);
    order.add(name);
  }

  // ---- values ----

  private SecretValue produce(SecretSpec s) throws SecretException {
    if (!s.kind().supported()) {
      throw new SecretException(
          "secret '" + s.name() + "': kind " + s.kind().yamlName() + " is not supported by Clave yet");
    }
    if (s.kind() == SecretKind.CONFIG_FRAGMENT) {
      return null;
    }
    try {
      if (s.importFrom() != null) {
        return importedValue(s);
      }
      if (s.value() != null) {
        return explicitValue(s);
      }
      SecretValue kept = migratedValue(s);
      return kept != null ? kept : generatedValue(s);
    } catch (IllegalArgumentException e) {
      throw new SecretException("secret '" + s.name() + "': " + e.getMessage());
    }
  }

  private SecretValue importedValue(SecretSpec s) throws SecretException {
    SecretValue v = imported.get(s.name());
    if (v == null) {
      throw new SecretException(
          "secret '" + s.name() + "' is imported from session '" + s.importFrom().session()
              + "' but no imported value was supplied");
    }
    boolean fits =
        switch (s.kind()) {
          case ASCII -> v instanceof SecretValue.Ascii;
          case BINARY -> v instanceof SecretValue.Binary;
          case PRIVATE_KEY -> v instanceof SecretValue.PrivateKey;
          case PUBLIC_KEY -> v instanceof SecretValue.PublicKey;
          case X509 -> v instanceof SecretValue.Certificate;
          case X509_CA -> v instanceof SecretValue.Certificate c && c.isCa();
          default -> false;
        };
    if (!fits) {
      throw new SecretException(
          "secret '" + s.name() + "' is declared " + s.kind().yamlName() + " but the imported secret '"
              + s.importFrom().secret() + "' of session '" + s.importFrom().session() + "' is "
              + describe(v));
    }
    return v;
  }

  private static String describe(SecretValue v) {
    return switch (v) {
      case SecretValue.Ascii a -> "an ascii value";
      case SecretValue.Binary b -> "a binary value";
      case SecretValue.PrivateKey k -> "a private key";
      case SecretValue.PublicKey k -> "a public key";
      case SecretValue.Certificate c -> c.isCa() ? "a CA certificate" : "a certificate that is not a CA (CA:false)";
    };
  }

  private SecretValue explicitValue(SecretSpec s) throws SecretException {
    String text = s.value();
    return switch (s.kind()) {
      case ASCII -> {
        if (text.length() > MAX_SIZE) {
          throw new SecretException("secret '" + s.name() + "': value is longer than " + MAX_SIZE + " characters");
        }
        yield new SecretValue.Ascii(text);
      }
      case BINARY -> new SecretValue.Binary(hex(s.name(), text.strip()));
      case PRIVATE_KEY -> {
        byte[] der = Pem.decode(text, Pem.PRIVATE_KEY);
        KeyType found = KeyMaterial.privateKeyType(der);
        KeyType declared = keyType(s);
        if (found != declared) {
          throw new SecretException(
              "secret '" + s.name() + "': value is a " + found.yamlName() + " key but key_type is "
                  + declared.yamlName() + (s.keyType() == null ? " (the default)" : "")
                  + "; set key_type: " + found.yamlName());
        }
        yield new SecretValue.PrivateKey(found, der);
      }
      case PUBLIC_KEY -> {
        SecretValue.PublicKey key = new SecretValue.PublicKey(Pem.decode(text, Pem.PUBLIC_KEY));
        if (s.privateKey() != null) {
          SecretValue.PrivateKey priv = privateKeyOf(s);
          if (!KeyMaterial.matches(priv.keyType(), priv.pkcs8(), key.toJavaKey(), random)) {
            throw new SecretException(
                "secret '" + s.name() + "': value is not the public key of private_key '" + s.privateKey() + "'");
          }
        }
        yield key;
      }
      case X509, X509_CA -> explicitCertificate(s, Pem.decode(text, Pem.CERTIFICATE));
      default -> throw new IllegalStateException("no explicit value for " + s.kind());
    };
  }

  private SecretValue explicitCertificate(SecretSpec s, byte[] der) throws SecretException {
    SecretValue.PrivateKey key = null;
    X509Certificate cert = new SecretValue.Certificate(der, List.of(), null).x509();
    if (s.privateKey() != null) {
      key = privateKeyOf(s);
      if (!KeyMaterial.matches(key.keyType(), key.pkcs8(), cert.getPublicKey(), random)) {
        throw new SecretException(
            "secret '" + s.name() + "': the certificate's public key does not belong to private_key '"
                + s.privateKey() + "'");
      }
    }
    List<byte[]> chain = List.of();
    if (s.issuer() != null) {
      SecretValue.Certificate issuer = certificateOf(s, s.issuer());
      X509Certificate issuerCert = issuer.x509();
      try {
        if (!cert.getIssuerX500Principal().equals(issuerCert.getSubjectX500Principal())) {
          throw new GeneralSecurityException("names differ");
        }
        cert.verify(issuerCert.getPublicKey());
      } catch (GeneralSecurityException e) {
        throw new SecretException(
            "secret '" + s.name() + "': the certificate was not issued by issuer '" + s.issuer() + "'");
      }
      chain = new ArrayList<>();
      chain.add(issuer.der());
      chain.addAll(issuer.chain());
    }
    SecretValue.Certificate value = new SecretValue.Certificate(der, chain, key);
    if (s.kind() == SecretKind.X509_CA && !value.isCa()) {
      throw new SecretException(
          "secret '" + s.name() + "': an x509-ca value must be a CA certificate (basicConstraints CA:true)");
    }
    return value;
  }

  private SecretValue migratedValue(SecretSpec s) {
    SecretSpec before = previousSpecs.get(s.name());
    SecretValue value = previousValues.get(s.name());
    if (before == null || value == null || before.kind() != s.kind() || before.importFrom() != null) {
      return null;
    }
    return switch (s.kind()) {
      case ASCII -> value instanceof SecretValue.Ascii ? value : null;
      case BINARY -> value instanceof SecretValue.Binary ? value : null;
      case PRIVATE_KEY ->
          s.migrate() && before.migrate() && value instanceof SecretValue.PrivateKey k && k.keyType() == keyType(s)
              ? value
              : null;
      default -> null; // certificates are always issued anew; public keys follow their private key
    };
  }

  private SecretValue generatedValue(SecretSpec s) throws SecretException {
    return switch (s.kind()) {
      case ASCII -> {
        int size = size(s);
        StringBuilder b = new StringBuilder(size);
        for (int i = 0; i < size; i++) {
          b.append(ASCII_ALPHABET.charAt(random.nextInt(ASCII_ALPHABET.length())));
        }
        yield new SecretValue.Ascii(b.toString());
      }
      case BINARY -> {
        byte[] bytes = new byte[size(s)];
        random.nextBytes(bytes);
        yield new SecretValue.Binary(bytes);
      }
      case PRIVATE_KEY -> new SecretValue.PrivateKey(keyType(s), KeyMaterial.generate(keyType(s), random));
      case PUBLIC_KEY -> {
        if (s.privateKey() == null) {
          throw new SecretException("secret '" + s.name() + "': a public-key needs private_key or value");
        }
        yield privateKeyOf(s).publicKey();
      }
      case X509, X509_CA -> {
        if (s.privateKey() == null) {
          throw new SecretException(
              "secret '" + s.name() + "': a generated " + s.kind().yamlName() + " certificate needs private_key");
        }
        yield CertificateIssuer.issue(
            new CertificateIssuer.Request(
                commonName(s),
                s.subjectAltNames(),
                s.kind() == SecretKind.X509_CA,
                s.kind() == SecretKind.X509 ? s.endpoint() : null,
                privateKeyOf(s),
                validFor(s),
                s.issuer() == null ? null : certificateOf(s, s.issuer()),
                now),
            random);
      }
      default -> throw new IllegalStateException("cannot generate " + s.kind());
    };
  }

  // ---- parameters ----

  private static KeyType keyType(SecretSpec s) {
    return s.keyType() == null ? KeyType.P256 : s.keyType();
  }

  private static int size(SecretSpec s) throws SecretException {
    if (s.size() == null) {
      return DEFAULT_SIZE;
    }
    int size = s.size();
    if (size < 1 || size > MAX_SIZE) {
      throw new SecretException(
          "secret '" + s.name() + "': size " + size + " is out of range 1.." + MAX_SIZE
              + (s.kind() == SecretKind.ASCII ? " characters" : " bytes"));
    }
    return size;
  }

  private static Duration validFor(SecretSpec s) throws SecretException {
    if (s.validFor() == null) {
      return DEFAULT_VALID_FOR;
    }
    Duration d = s.validFor();
    if (d.compareTo(Duration.ofSeconds(1)) < 0 || d.compareTo(MAX_VALID_FOR) > 0) {
      throw new SecretException(
          "secret '" + s.name() + "': valid_for must be between 1 second and " + MAX_VALID_FOR.toDays() + " days");
    }
    return d;
  }

  private static String commonName(SecretSpec s) throws SecretException {
    String cn = s.commonName();
    if (cn == null) {
      for (SubjectAltName san : s.subjectAltNames()) {
        if (san.type() == SubjectAltName.Type.DNS) {
          cn = san.value();
          break;
        }
      }
    }
    if (cn == null) {
      cn = s.name();
    }
    if (cn.isBlank()) {
      throw new SecretException("secret '" + s.name() + "': common_name is empty");
    }
    return cn;
  }

  private SecretValue.PrivateKey privateKeyOf(SecretSpec s) throws SecretException {
    SecretValue v = values.get(s.privateKey());
    if (v instanceof SecretValue.PrivateKey key) {
      return key;
    }
    throw new SecretException(
        "secret '" + s.name() + "': private_key '" + s.privateKey() + "' has no private-key value");
  }

  private SecretValue.Certificate certificateOf(SecretSpec s, String issuer) throws SecretException {
    SecretValue v = values.get(issuer);
    if (v instanceof SecretValue.Certificate cert) {
      return cert;
    }
    throw new SecretException("secret '" + s.name() + "': issuer '" + issuer + "' has no certificate value");
  }

  private static byte[] hex(String name, String text) throws SecretException {
    if (text.isEmpty()) {
      throw new SecretException("secret '" + name + "': value is empty (a binary value is written in hex)");
    }
    if (text.length() % 2 != 0) {
      throw new SecretException(
          "secret '" + name + "': value has an odd number of hex digits (" + text.length() + ")");
    }
    if (text.length() / 2 > MAX_SIZE) {
      throw new SecretException("secret '" + name + "': value is longer than " + MAX_SIZE + " bytes");
    }
    byte[] out = new byte[text.length() / 2];
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!HexFormat.isHexDigit(c)) {
        throw new SecretException(
            "secret '" + name + "': value is not hex: invalid character at offset " + i);
      }
      int digit = HexFormat.fromHexDigit(c);
      out[i / 2] |= (byte) (i % 2 == 0 ? digit << 4 : digit);
    }
    return out;
  }

  private static String asciiAlphabet() {
    StringBuilder b = new StringBuilder(94);
    for (char c = 0x21; c <= 0x7E; c++) {
      b.append(c);
    }
    return b.toString();
  }
}
