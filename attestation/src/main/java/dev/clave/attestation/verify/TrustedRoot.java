package dev.clave.attestation.verify;

import dev.clave.attestation.Bytes;

/**
 * A root certificate the verifier trusts, with the name verdicts report ("intel", "simulation"). Intel's
 * SGX Root CA is compiled in; any other root must be passed explicitly.
 */
public final class TrustedRoot {
  private final String name;
  private final Bytes certificateDer;

  private TrustedRoot(String name, Bytes certificateDer) {
    this.name = name;
    this.certificateDer = certificateDer;
  }

  /** The Intel SGX Root CA, the default and only built-in root. */
  public static TrustedRoot intel() {
    throw new UnsupportedOperationException("TODO");
  }

  /** A simulation root, e.g. one made by {@code clave sim init}: verdicts chained to it say "simulation". */
  public static TrustedRoot simulation(byte[] certificateDer) {
    throw new UnsupportedOperationException("TODO");
  }

  public String name() {
    return name;
  }

  public Bytes certificateDer() {
    return certificateDer;
  }
}
