package dev.clave.attestation.collateral;

import java.nio.file.Path;

/**
 * An offline collateral bundle: a directory in the layout of {@code shared/testdata/dcap/*} sets
 * ({@code pck_crl.der}, {@code pck_crl_issuer_chain.pem}, {@code root_ca_crl.der}, {@code tcb_info.json},
 * {@code tcb_info_issuer_chain.pem}, {@code qe_identity.json}, {@code qe_identity_issuer_chain.pem}). A
 * {@code root_ca.der} in it is ignored: roots are trusted only when configured.
 */
public final class CollateralBundle implements CollateralSource {
  private CollateralBundle() {}

  /** Reads and checks the bundle's files; the error names the missing or unreadable file. */
  public static CollateralBundle open(Path dir) throws CollateralException {
    throw new UnsupportedOperationException("TODO");
  }

  @Override
  public Collateral fetch(CollateralRequest request) throws CollateralException {
    throw new UnsupportedOperationException("TODO");
  }
}
