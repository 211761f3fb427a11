package dev.clave.attestation.quote;

import dev.clave.attestation.Bytes;

/**
 * Certification data: how the quote links its QE to a PCK certificate. Only type 5 (a PEM PCK certificate
 * chain, leaf first) can be verified offline; the parser keeps other types so the verifier can refuse them
 * by name.
 */
public record CertificationData(int type, Bytes data) {
  public static final int PPID_CLEARTEXT = 1;
  public static final int PPID_RSA2048_ENCRYPTED = 2;
  public static final int PPID_RSA3072_ENCRYPTED = 3;
  public static final int PCK_LEAF_CERT = 4;
  public static final int PCK_CERT_CHAIN = 5;
  public static final int QE_REPORT_CERTIFICATION_DATA = 6;

  /**
   * Largest certification data (types 1 to 5) the parser accepts. Not a spec value: real PEM chains are
   * about 3.5 to 3.7 KB, and the cap keeps a hostile size from reaching the certificate parser.
   */
  public static final int MAX_LENGTH = 16 * 1024;
}
