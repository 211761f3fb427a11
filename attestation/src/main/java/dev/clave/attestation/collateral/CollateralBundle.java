package dev.clave.attestation.collateral;

import dev.clave.attestation.Bytes;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * An offline collateral bundle: a directory in the layout of {@code shared/testdata/dcap/*} sets
 * ({@code pck_crl.der}, {@code pck_crl_issuer_chain.pem}, {@code root_ca_crl.der}, {@code tcb_info.json},
 * {@code tcb_info_issuer_chain.pem}, {@code qe_identity.json}, {@code qe_identity_issuer_chain.pem}). A
 * {@code root_ca.der} in it is ignored: roots are trusted only when configured.
 *
 * <p>The files are read once, when the bundle is opened; a bundle serves one platform (one FMSPC and TEE)
 * and always returns the same {@link Collateral} instance.
 */
public final class CollateralBundle implements CollateralSource {
  public static final String PCK_CRL = "pck_crl.der";
  public static final String PCK_CRL_ISSUER_CHAIN = "pck_crl_issuer_chain.pem";
  public static final String ROOT_CA_CRL = "root_ca_crl.der";
  public static final String TCB_INFO = "tcb_info.json";
  public static final String TCB_INFO_ISSUER_CHAIN = "tcb_info_issuer_chain.pem";
  public static final String QE_IDENTITY = "qe_identity.json";
  public static final String QE_IDENTITY_ISSUER_CHAIN = "qe_identity_issuer_chain.pem";

  private final Path directory;
  private final Collateral collateral;
  private final TcbInfo tcbInfo;

  private CollateralBundle(Path directory, Collateral collateral, TcbInfo tcbInfo) {
    this.directory = directory;
    this.collateral = collateral;
    this.tcbInfo = tcbInfo;
  }

  /**
   * Reads and checks the bundle's files: each must exist, be a regular file within its size limit and be
   * well formed (CRLs parse as DER CRLs, chains as ASCII PEM, the JSON documents as {@link TcbInfo} and
   * {@link EnclaveIdentity}). Signatures are not checked here; the verifier does that against its roots.
   *
   * @throws CollateralFormatException when a file is malformed; the message names it
   * @throws CollateralException when a file is missing, unreadable or too large; the message names it
   */
  public static CollateralBundle open(Path dir) throws CollateralException {
    Objects.requireNonNull(dir, "dir");
    if (!Files.isDirectory(dir)) {
      throw new CollateralException("collateral bundle " + dir + " is not a directory");
    }
    byte[] pckCrl = read(dir, PCK_CRL, CollateralParts.MAX_CRL_BYTES);
    byte[] pckCrlChain = read(dir, PCK_CRL_ISSUER_CHAIN, CollateralParts.MAX_CHAIN_BYTES);
    byte[] rootCaCrl = read(dir, ROOT_CA_CRL, CollateralParts.MAX_CRL_BYTES);
    byte[] tcbInfoJson = read(dir, TCB_INFO, CollateralJson.MAX_DOCUMENT_BYTES);
    byte[] tcbInfoChain = read(dir, TCB_INFO_ISSUER_CHAIN, CollateralParts.MAX_CHAIN_BYTES);
    byte[] qeIdentityJson = read(dir, QE_IDENTITY, CollateralJson.MAX_DOCUMENT_BYTES);
    byte[] qeIdentityChain = read(dir, QE_IDENTITY_ISSUER_CHAIN, CollateralParts.MAX_CHAIN_BYTES);

    CollateralParts.crl(pckCrl, PCK_CRL);
    CollateralParts.crl(rootCaCrl, ROOT_CA_CRL);
    TcbInfo tcbInfo;
    try {
      tcbInfo = TcbInfo.parse(Bytes.wrap(tcbInfoJson)).value();
    } catch (CollateralFormatException e) {
      throw e.within(TCB_INFO);
    }
    try {
      EnclaveIdentity.parse(Bytes.wrap(qeIdentityJson));
    } catch (CollateralFormatException e) {
      throw e.within(QE_IDENTITY);
    }
    Collateral collateral =
        new Collateral(
            Bytes.wrap(pckCrl),
            CollateralParts.issuerChain(pckCrlChain, PCK_CRL_ISSUER_CHAIN),
            Bytes.wrap(rootCaCrl),
            Bytes.wrap(tcbInfoJson),
            CollateralParts.issuerChain(tcbInfoChain, TCB_INFO_ISSUER_CHAIN),
            Bytes.wrap(qeIdentityJson),
            CollateralParts.issuerChain(qeIdentityChain, QE_IDENTITY_ISSUER_CHAIN));
    return new CollateralBundle(dir, collateral, tcbInfo);
  }

  /**
   * Writes {@code collateral} to {@code dir} (created if needed) in the bundle layout, replacing files of
   * the same names. Issuer chains are written as UTF-8, which {@link #open} accepts only when it is ASCII.
   */
  public static void write(Path dir, Collateral collateral) throws IOException {
    Files.createDirectories(dir);
    Files.write(dir.resolve(PCK_CRL), collateral.pckCrl().toByteArray());
    Files.writeString(dir.resolve(PCK_CRL_ISSUER_CHAIN), collateral.pckCrlIssuerChain(), StandardCharsets.UTF_8);
    Files.write(dir.resolve(ROOT_CA_CRL), collateral.rootCaCrl().toByteArray());
    Files.write(dir.resolve(TCB_INFO), collateral.tcbInfoJson().toByteArray());
    Files.writeString(dir.resolve(TCB_INFO_ISSUER_CHAIN), collateral.tcbInfoIssuerChain(), StandardCharsets.UTF_8);
    Files.write(dir.resolve(QE_IDENTITY), collateral.qeIdentityJson().toByteArray());
    Files.writeString(
        dir.resolve(QE_IDENTITY_ISSUER_CHAIN), collateral.qeIdentityIssuerChain(), StandardCharsets.UTF_8);
  }

  /** The collateral read at {@link #open}; the same instance every time. */
  public Collateral collateral() {
    return collateral;
  }

  public Path directory() {
    return directory;
  }

  /** Returns the bundle's collateral, the same instance every time, whatever platform asks. */
  @Override
  public Collateral fetch(CollateralRequest request) throws CollateralException {
    Objects.requireNonNull(request, "request");
    // Deliberately not filtered by FMSPC or TEE: a bundle holds one set, and the verifier's refusal
    // (TCB_INFO_MISMATCH, naming both FMSPCs) says more than "no collateral" would.
    return collateral;
  }

  private static byte[] read(Path dir, String name, int maxBytes) throws CollateralException {
    Path file = dir.resolve(name);
    if (!Files.exists(file)) {
      throw new CollateralException("collateral bundle " + dir + " has no " + name);
    }
    // Refuses FIFOs and devices as well as directories: reading one could block or never end.
    if (!Files.isRegularFile(file)) {
      throw new CollateralException("collateral bundle " + dir + ": " + name + " is not a regular file");
    }
    try (InputStream in = Files.newInputStream(file)) {
      byte[] data = in.readNBytes(maxBytes + 1);
      if (data.length > maxBytes) {
        throw new CollateralException(
            "collateral bundle " + dir + ": " + name + " is larger than the limit of " + maxBytes + " bytes");
      }
      return data;
    } catch (NoSuchFileException e) {
      throw new CollateralException("collateral bundle " + dir + " has no " + name);
    } catch (IOException e) {
      throw new CollateralException("collateral bundle " + dir + ": cannot read " + name + ": " + e.getMessage(), e);
    }
  }
}
