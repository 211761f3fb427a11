package dev.clave.attestation.jca;

import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.Security;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * The provider: {@code Signature.SHA256withECDSA} for P-256 keys, {@code Signature.Ed25519}, and {@code KeyPairGenerator},
 * {@code KeyFactory} and {@code KeyAgreement} for {@code XDH}/{@code X25519} with X25519 parameters. Every
 * other key (P-384, X448, …) is refused at {@code init}, so the JCA's delayed provider selection moves on to
 * the JDK's own provider, which keeps serving everything else.
 *
 * <p>{@link #install()} puts it first in the JVM's provider list, which is the only way to reach JSSE's
 * handshake crypto. Servers call it once at start; {@code -Dclave.crypto.provider=jdk} leaves the JDK's
 * providers alone (for comparison, or if this one is ever suspected).
 */
public final class ClaveCryptoProvider extends Provider {
  public static final String NAME = "Clave";
  private static final long serialVersionUID = 1L;

  public ClaveCryptoProvider() {
    super(NAME, "1.0", "Clave: ECDSA P-256 (SHA-256) and X25519 on fast elliptic-curve code");
    Map<String, String> ecKeys = Map.of("SupportedKeyClasses",
        "java.security.interfaces.ECPublicKey|java.security.interfaces.ECPrivateKey");
    add("Signature", "SHA256withECDSA", List.of("1.2.840.10045.4.3.2", "OID.1.2.840.10045.4.3.2"), ecKeys,
        EcdsaP256Signature::new);
    Map<String, String> edKeys = Map.of("SupportedKeyClasses",
        "java.security.interfaces.EdECPublicKey|java.security.interfaces.EdECPrivateKey");
    add("Signature", "Ed25519", List.of("1.3.101.112", "OID.1.3.101.112"), edKeys, Ed25519Signature::new);
    add("Signature", "EdDSA", List.of(), edKeys, Ed25519Signature::new);
    Map<String, String> xecKeys = Map.of("SupportedKeyClasses",
        "java.security.interfaces.XECPublicKey|java.security.interfaces.XECPrivateKey");
    add("KeyAgreement", "XDH", List.of(), xecKeys, X25519KeyAgreement::new);
    add("KeyAgreement", "X25519", List.of("1.3.101.110", "OID.1.3.101.110"), xecKeys, X25519KeyAgreement::new);
    add("KeyPairGenerator", "XDH", List.of(), Map.of(), X25519KeyPairGenerator::new);
    add("KeyPairGenerator", "X25519", List.of("1.3.101.110", "OID.1.3.101.110"), Map.of(), X25519KeyPairGenerator::new);
    add("KeyFactory", "XDH", List.of(), Map.of(), X25519KeyFactory::new);
    add("KeyFactory", "X25519", List.of("1.3.101.110", "OID.1.3.101.110"), Map.of(), X25519KeyFactory::new);
  }

  /** What the provider has done in this JVM: how many of each operation it served. */
  public record Operations(long x25519KeyPairs, long x25519Agreements, long ecdsaSignatures, long ecdsaVerifications,
      long ed25519Signatures, long ed25519Verifications) {}

  static final LongAdder X25519_KEY_PAIRS = new LongAdder();
  static final LongAdder X25519_AGREEMENTS = new LongAdder();
  static final LongAdder ECDSA_SIGNATURES = new LongAdder();
  static final LongAdder ECDSA_VERIFICATIONS = new LongAdder();
  static final LongAdder ED25519_SIGNATURES = new LongAdder();
  static final LongAdder ED25519_VERIFICATIONS = new LongAdder();

  /** Counts since the JVM started (for metrics, and for tests that must know this provider did the work). */
  public static Operations operations() {
    return new Operations(X25519_KEY_PAIRS.sum(), X25519_AGREEMENTS.sum(), ECDSA_SIGNATURES.sum(), ECDSA_VERIFICATIONS.sum(),
        ED25519_SIGNATURES.sum(), ED25519_VERIFICATIONS.sum());
  }

  /**
   * Puts the provider first, once per JVM (idempotent and thread-safe), unless {@code clave.crypto.provider}
   * is {@code jdk}. Returns whether the provider is installed.
   */
  public static synchronized boolean install() {
    if ("jdk".equalsIgnoreCase(System.getProperty("clave.crypto.provider", ""))) {
      return Security.getProvider(NAME) != null;
    }
    if (Security.getProvider(NAME) == null) {
      Security.insertProviderAt(new ClaveCryptoProvider(), 1);
    }
    return true;
  }

  private void add(String type, String algorithm, List<String> aliases, Map<String, String> attributes,
      Supplier<Object> factory) {
    putService(new Service(this, type, algorithm, ClaveCryptoProvider.class.getName() + "$" + type + "." + algorithm,
        aliases, attributes) {
      @Override
      public Object newInstance(Object constructorParameter) throws NoSuchAlgorithmException {
        if (constructorParameter != null) {
          throw new NoSuchAlgorithmException(type + "." + algorithm + " takes no constructor parameter");
        }
        return factory.get();
      }
    });
  }
}
