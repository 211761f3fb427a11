package dev.clave.attestation.collateral;

import dev.clave.attestation.Bytes;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;

/**
 * Everything besides the quote that verification needs, as served by Intel's PCS (raw bytes, unparsed and
 * unverified). Instances are identified by a SHA-256 over their content, computed once, so that a verifier
 * can cache what it derived from a collateral set without rehashing it per quote.
 */
public final class Collateral {
  private final Bytes pckCrl;
  private final String pckCrlIssuerChain;
  private final Bytes rootCaCrl;
  private final Bytes tcbInfoJson;
  private final String tcbInfoIssuerChain;
  private final Bytes qeIdentityJson;
  private final String qeIdentityIssuerChain;
  private final Bytes digest;

  /**
   * @param pckCrl DER CRL of the PCK Processor or Platform CA
   * @param pckCrlIssuerChain PEM: that CA's certificate, then the root
   * @param rootCaCrl DER CRL issued by the root CA
   * @param tcbInfoJson the PCS body {@code {"tcbInfo":{…},"signature":"…"}}, byte for byte
   * @param tcbInfoIssuerChain PEM: the TCB signing certificate, then the root
   * @param qeIdentityJson the PCS body {@code {"enclaveIdentity":{…},"signature":"…"}}, byte for byte
   * @param qeIdentityIssuerChain PEM: the TCB signing certificate, then the root
   */
  public Collateral(
      Bytes pckCrl,
      String pckCrlIssuerChain,
      Bytes rootCaCrl,
      Bytes tcbInfoJson,
      String tcbInfoIssuerChain,
      Bytes qeIdentityJson,
      String qeIdentityIssuerChain) {
    this.pckCrl = Objects.requireNonNull(pckCrl, "pckCrl");
    this.pckCrlIssuerChain = Objects.requireNonNull(pckCrlIssuerChain, "pckCrlIssuerChain");
    this.rootCaCrl = Objects.requireNonNull(rootCaCrl, "rootCaCrl");
    this.tcbInfoJson = Objects.requireNonNull(tcbInfoJson, "tcbInfoJson");
    this.tcbInfoIssuerChain = Objects.requireNonNull(tcbInfoIssuerChain, "tcbInfoIssuerChain");
    this.qeIdentityJson = Objects.requireNonNull(qeIdentityJson, "qeIdentityJson");
    this.qeIdentityIssuerChain = Objects.requireNonNull(qeIdentityIssuerChain, "qeIdentityIssuerChain");
    this.digest = computeDigest();
  }

  public Bytes pckCrl() {
    return pckCrl;
  }

  public String pckCrlIssuerChain() {
    return pckCrlIssuerChain;
  }

  public Bytes rootCaCrl() {
    return rootCaCrl;
  }

  public Bytes tcbInfoJson() {
    return tcbInfoJson;
  }

  public String tcbInfoIssuerChain() {
    return tcbInfoIssuerChain;
  }

  public Bytes qeIdentityJson() {
    return qeIdentityJson;
  }

  public String qeIdentityIssuerChain() {
    return qeIdentityIssuerChain;
  }

  /** SHA-256 over all parts, each length-prefixed: equal digests mean equal collateral. */
  public Bytes digest() {
    return digest;
  }

  private Bytes computeDigest() {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      for (Bytes part :
          new Bytes[] {
            pckCrl,
            utf8(pckCrlIssuerChain),
            rootCaCrl,
            tcbInfoJson,
            utf8(tcbInfoIssuerChain),
            qeIdentityJson,
            utf8(qeIdentityIssuerChain)
          }) {
        int n = part.length();
        md.update(new byte[] {(byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n});
        part.updateDigest(md);
      }
      return Bytes.wrap(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("SHA-256 is required of every JDK", e);
    }
  }

  private static Bytes utf8(String s) {
    return Bytes.wrap(s.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public boolean equals(Object o) {
    return o == this || (o instanceof Collateral other && digest.equals(other.digest));
  }

  @Override
  public int hashCode() {
    return digest.hashCode();
  }

  @Override
  public String toString() {
    return "Collateral[" + digest.hex().substring(0, 16) + "]";
  }
}
