package dev.clave.attestation.testing;

import dev.clave.attestation.Bytes;
import dev.clave.attestation.collateral.Collateral;
import dev.clave.attestation.collateral.CollateralRequest;
import dev.clave.attestation.collateral.CollateralSource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/** An in-memory collateral source over a bundle directory's files, with optional tampering per item. */
public final class FixedCollateral implements CollateralSource {
  private final Collateral collateral;

  public FixedCollateral(Collateral collateral) {
    this.collateral = collateral;
  }

  public static Collateral load(Path dir) {
    return new Collateral(
        Bytes.wrap(DcapSets.read(dir.resolve("pck_crl.der"))),
        text(dir, "pck_crl_issuer_chain.pem"),
        Bytes.wrap(DcapSets.read(dir.resolve("root_ca_crl.der"))),
        Bytes.wrap(DcapSets.read(dir.resolve("tcb_info.json"))),
        text(dir, "tcb_info_issuer_chain.pem"),
        Bytes.wrap(DcapSets.read(dir.resolve("qe_identity.json"))),
        text(dir, "qe_identity_issuer_chain.pem"));
  }

  /** Which item a tampering applies to. */
  public enum Item { PCK_CRL, ROOT_CA_CRL, TCB_INFO, QE_IDENTITY }

  /** The collateral with {@code change} applied to the bytes of one item. */
  public static Collateral tamper(Collateral c, Item item, UnaryOperator<byte[]> change) {
    return new Collateral(
        item == Item.PCK_CRL ? Bytes.wrap(change.apply(c.pckCrl().toByteArray())) : c.pckCrl(),
        c.pckCrlIssuerChain(),
        item == Item.ROOT_CA_CRL ? Bytes.wrap(change.apply(c.rootCaCrl().toByteArray())) : c.rootCaCrl(),
        item == Item.TCB_INFO ? Bytes.wrap(change.apply(c.tcbInfoJson().toByteArray())) : c.tcbInfoJson(),
        c.tcbInfoIssuerChain(),
        item == Item.QE_IDENTITY ? Bytes.wrap(change.apply(c.qeIdentityJson().toByteArray())) : c.qeIdentityJson(),
        c.qeIdentityIssuerChain());
  }

  private static String text(Path dir, String name) {
    return new String(DcapSets.read(dir.resolve(name)), StandardCharsets.US_ASCII);
  }

  @Override
  public Collateral fetch(CollateralRequest request) {
    return collateral;
  }
}
