package dev.clave.policy.secrets;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * How a placeholder renders a secret: the suffix after the secret's name in {@code $$SCONE::name<suffix>$$}
 * (reference §1.5).
 *
 * <p>Text renderings can go anywhere a placeholder may appear. Binary renderings ({@link #binary()}: raw
 * bytes, DER, PKCS#12) can only go into injection files; {@code command} and {@code environment} refuse
 * them, since argv and environment strings cannot hold arbitrary bytes.
 *
 * <p>Choices where the reference is silent: hex is lowercase; base64 and base64url (RFC 4648 §4 and §5) are
 * padded with '='; base32 (RFC 4648 §6) is uppercase, padded, and {@code :base32nopad} drops the padding;
 * PEM has 64-character lines, '\n' line ends and a final '\n'; chains are PEM blocks one after another
 * (an empty string for a self-signed certificate's {@code :chain}); the PKCS#12 file is the JDK's (PBES2
 * AES-256 for the key and certificates, HMAC-SHA-256 MAC) with the password "" and one key entry, alias
 * "1", holding the certificate followed by its chain.
 */
public enum SecretEncoding {
  ASCII(Family.ASCII, false, ""),
  BINARY_RAW(Family.BINARY, true, "", ":bin"),
  HEX(Family.BINARY, false, ":hex", ".hex"),
  BASE64(Family.BINARY, false, ":base64"),
  BASE64URL(Family.BINARY, false, ":base64url"),
  BASE32(Family.BINARY, false, ":base32"),
  BASE32_NOPAD(Family.BINARY, false, ":base32nopad"),
  PRIVATE_KEY_PEM(Family.PRIVATE_KEY, false, "", ":pem", ":pkcs8:pem"),
  PRIVATE_KEY_DER(Family.PRIVATE_KEY, true, ":der", ":pkcs8:der"),
  PUBLIC_KEY_PEM(Family.PUBLIC_KEY, false, "", ":spki:pem"),
  PUBLIC_KEY_DER(Family.PUBLIC_KEY, true, ":spki:der"),
  CERTIFICATE_PEM(Family.CERTIFICATE, false, "", ":crt", ":crt:pem", ".crt"),
  CERTIFICATE_DER(Family.CERTIFICATE, true, ":crt:der"),
  CERTIFICATE_KEY_PEM(Family.CERTIFICATE, false, ":privatekey", ":privatekey:pem", ":privatekey:pkcs8:pem", ".key"),
  CERTIFICATE_KEY_DER(Family.CERTIFICATE, true, ":privatekey:der", ":privatekey:pkcs8:der"),
  /** The issuers, direct issuer first up to the root, without the certificate itself. */
  CHAIN_PEM(Family.CERTIFICATE, false, ":chain"),
  /** Legacy {@code .chain}: the root first, down to the certificate itself, which is included. */
  LEGACY_CHAIN_PEM(Family.CERTIFICATE, false, ".chain"),
  PKCS12(Family.CERTIFICATE, true, ":pkcs12-with-private-key");

  /** The legacy suffixes, written right after the name without a colon (before SCONE 5.2). */
  public static final List<String> LEGACY_SUFFIXES = List.of(".hex", ".crt", ".key", ".chain");

  /** The PKCS#12 alias of the key entry. */
  static final String PKCS12_ALIAS = "1";

  /** Secrets whose values render alike. */
  private enum Family {
    ASCII(EnumSet.of(SecretKind.ASCII), ":hex"),
    BINARY(EnumSet.of(SecretKind.BINARY), ":hex"),
    PRIVATE_KEY(EnumSet.of(SecretKind.PRIVATE_KEY), ":pem"),
    PUBLIC_KEY(EnumSet.of(SecretKind.PUBLIC_KEY), ":spki:pem"),
    CERTIFICATE(EnumSet.of(SecretKind.X509, SecretKind.X509_CA), ":crt:pem");

    final Set<SecretKind> kinds;
    final String textSuggestion;

    Family(Set<SecretKind> kinds, String textSuggestion) {
      this.kinds = kinds;
      this.textSuggestion = textSuggestion;
    }

    static Family of(SecretKind kind) {
      for (Family f : values()) {
        if (f.kinds.contains(kind)) {
          return f;
        }
      }
      return null;
    }
  }

  private final Family family;
  private final boolean binary;
  private final List<String> suffixes;

  SecretEncoding(Family family, boolean binary, String... suffixes) {
    this.family = family;
    this.binary = binary;
    this.suffixes = List.of(suffixes);
  }

  /** The suffixes that select this rendering, the preferred one first. */
  public List<String> suffixes() {
    return suffixes;
  }

  /** Whether the rendering is bytes rather than text: allowed only in injection files. */
  public boolean binary() {
    return binary;
  }

  /** Whether a secret of this kind can be rendered this way. */
  public boolean appliesTo(SecretKind kind) {
    return family.kinds.contains(kind);
  }

  /** A text rendering to suggest when this binary one is refused in a text context. */
  public String textAlternative() {
    return switch (this) {
      case PKCS12 -> null;
      case CERTIFICATE_KEY_DER -> ":privatekey:pem";
      default -> family.textSuggestion;
    };
  }

  /** Every suffix a secret of this kind accepts, in a stable order; empty for kinds that cannot be injected. */
  public static List<String> allowedSuffixes(SecretKind kind) {
    List<String> out = new ArrayList<>();
    for (SecretEncoding e : values()) {
      if (e.appliesTo(kind)) {
        out.addAll(e.suffixes);
      }
    }
    return out;
  }

  /**
   * The rendering {@code suffix} selects for a secret of {@code kind}.
   *
   * @param suffix "" or the text after the name, starting with ':' or (legacy) '.'
   * @throws SecretException when the kind does not allow the suffix, listing the ones it allows
   */
  public static SecretEncoding parse(SecretKind kind, String suffix) throws SecretException {
    Family family = Family.of(kind);
    if (family == null) {
      throw new SecretException(
          kind.yamlName() + " secrets cannot be injected with a placeholder"
              + (kind == SecretKind.CONFIG_FRAGMENT ? " (config fragments are used in configuration sections)" : ""));
    }
    for (SecretEncoding e : values()) {
      if (e.family == family && e.suffixes.contains(suffix)) {
        return e;
      }
    }
    throw new SecretException(
        "suffix '" + suffix + "' is not valid for " + withArticle(kind) + " secret; allowed: "
            + quoted(allowedSuffixes(kind)));
  }

  /** "an x509", "a binary": for messages. */
  static String withArticle(SecretKind kind) {
    String name = kind.yamlName();
    return ("aeioux".indexOf(name.charAt(0)) >= 0 ? "an " : "a ") + name;
  }

  static String quoted(List<String> suffixes) {
    List<String> q = new ArrayList<>(suffixes.size());
    for (String s : suffixes) {
      q.add(s.isEmpty() ? "'' (none)" : "'" + s + "'");
    }
    return String.join(", ", q);
  }

  /**
   * The rendering of a value. Text renderings are UTF-8 bytes.
   *
   * @throws SecretException when the value is of another kind, or the rendering needs a private key the
   *     certificate does not have
   */
  public byte[] render(SecretValue value) throws SecretException {
    return switch (value) {
      case SecretValue.Ascii a when family == Family.ASCII -> a.value().getBytes(UTF_8);
      case SecretValue.Binary b when family == Family.BINARY -> renderBinary(b.bytes());
      case SecretValue.PrivateKey k when family == Family.PRIVATE_KEY ->
          this == PRIVATE_KEY_DER ? k.pkcs8() : text(Pem.encode(Pem.PRIVATE_KEY, k.pkcs8()));
      case SecretValue.PublicKey k when family == Family.PUBLIC_KEY ->
          this == PUBLIC_KEY_DER ? k.spki() : text(Pem.encode(Pem.PUBLIC_KEY, k.spki()));
      case SecretValue.Certificate c when family == Family.CERTIFICATE -> renderCertificate(c);
      default ->
          throw new SecretException(
              "the rendering '" + suffixes.get(0) + "' does not apply to " + value.getClass().getSimpleName() + " values");
    };
  }

  /** The rendering as text; only for renderings that are not {@link #binary()}. */
  public String renderText(SecretValue value) throws SecretException {
    if (binary) {
      throw new IllegalStateException(name() + " is a binary rendering");
    }
    return new String(render(value), UTF_8);
  }

  private byte[] renderBinary(byte[] bytes) {
    return switch (this) {
      case BINARY_RAW -> bytes;
      case HEX -> text(HexFormat.of().formatHex(bytes));
      case BASE64 -> Base64.getEncoder().encode(bytes);
      case BASE64URL -> Base64.getUrlEncoder().encode(bytes);
      case BASE32 -> text(Base32.encode(bytes, true));
      case BASE32_NOPAD -> text(Base32.encode(bytes, false));
      default -> throw new IllegalStateException(name());
    };
  }

  private byte[] renderCertificate(SecretValue.Certificate c) throws SecretException {
    return switch (this) {
      case CERTIFICATE_PEM -> text(Pem.encode(Pem.CERTIFICATE, c.der()));
      case CERTIFICATE_DER -> c.der();
      case CERTIFICATE_KEY_PEM -> text(Pem.encode(Pem.PRIVATE_KEY, keyOf(c).pkcs8()));
      case CERTIFICATE_KEY_DER -> keyOf(c).pkcs8();
      case CHAIN_PEM -> {
        StringBuilder b = new StringBuilder();
        for (byte[] issuer : c.chain()) {
          b.append(Pem.encode(Pem.CERTIFICATE, issuer));
        }
        yield text(b.toString());
      }
      case LEGACY_CHAIN_PEM -> {
        List<byte[]> chain = c.chain();
        StringBuilder b = new StringBuilder();
        for (int i = chain.size() - 1; i >= 0; i--) {
          b.append(Pem.encode(Pem.CERTIFICATE, chain.get(i)));
        }
        b.append(Pem.encode(Pem.CERTIFICATE, c.der()));
        yield text(b.toString());
      }
      case PKCS12 -> pkcs12(c, keyOf(c));
      default -> throw new IllegalStateException(name());
    };
  }

  private SecretValue.PrivateKey keyOf(SecretValue.Certificate c) throws SecretException {
    if (c.privateKey() == null) {
      throw new SecretException(
          "the rendering '" + suffixes.get(0) + "' needs the certificate's private key, which this secret does not have"
              + " (an explicit certificate without private_key, or an import whose key was not exported)");
    }
    return c.privateKey();
  }

  private static byte[] pkcs12(SecretValue.Certificate c, SecretValue.PrivateKey key) {
    try {
      List<X509Certificate> path = new ArrayList<>();
      path.add(c.x509());
      path.addAll(c.chainX509());
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      char[] password = new char[0];
      store.setKeyEntry(PKCS12_ALIAS, key.toJavaKey(), password, path.toArray(new X509Certificate[0]));
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      store.store(out, password);
      return out.toByteArray();
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("the JDK cannot write a PKCS#12 file", e);
    }
  }

  private static byte[] text(String s) {
    return s.getBytes(UTF_8);
  }
}
