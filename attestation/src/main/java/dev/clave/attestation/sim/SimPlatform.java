package dev.clave.attestation.sim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.clave.attestation.Bytes;
import dev.clave.attestation.pki.EcdsaP256;
import dev.clave.attestation.pki.ParsedCertificate;
import dev.clave.attestation.pki.PckExtensions;
import dev.clave.attestation.pki.PkiException;
import dev.clave.attestation.quote.TeeType;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A simulated SGX/TDX platform: its PCK key and certificate (issued by a {@link SimulationRoot}'s PCK
 * Platform CA for the platform's TCB), its quoting enclave's attestation key, and its TCB. It produces
 * genuine DCAP quotes: the same structures, signatures and certificate chain a real platform's QE emits,
 * verifiable by the hardware verifier once the simulation root is trusted.
 *
 * <p>Immutable; a platform with another TCB comes from {@link SimulationRoot#reissuePlatform}.
 */
public final class SimPlatform {
  static final String PCK_CERT = "pck_cert.pem";
  static final String PCK_KEY = "pck_key.pem";
  static final String ATTESTATION_KEY = "attestation_key.pem";
  static final String PLATFORM_JSON = "platform.json";

  private static final JsonMapper JSON = new JsonMapper();

  private final PlatformTcb tcb;
  private final SimKey pckKey;
  private final SimKey attestationKey;
  private final byte[] pckCertDer;
  private final BigInteger pckSerial;
  private final String issuerChainPem;
  private final Bytes ppid;
  private final Bytes platformInstanceId;

  SimPlatform(
      PlatformTcb tcb,
      SimKey pckKey,
      SimKey attestationKey,
      byte[] pckCertDer,
      BigInteger pckSerial,
      String issuerChainPem,
      Bytes ppid,
      Bytes platformInstanceId) {
    this.tcb = Objects.requireNonNull(tcb, "tcb");
    this.pckKey = pckKey;
    this.attestationKey = attestationKey;
    this.pckCertDer = pckCertDer.clone();
    this.pckSerial = pckSerial;
    this.issuerChainPem = issuerChainPem;
    this.ppid = ppid;
    this.platformInstanceId = platformInstanceId;
  }

  /**
   * A v3 SGX quote of an enclave on this platform: header (QE and PCE SVN from the TCB), the enclave's
   * report, its signature by the attestation key, the QE report signed by the PCK key, QE authentication
   * data and certification data type 5 (PEM chain PCK ‖ PCK Platform CA ‖ root, NUL-terminated).
   */
  public byte[] quoteSgx(SgxEnclaveSpec spec) {
    Objects.requireNonNull(spec, "spec");
    byte[] header = SimQuoteEncoder.header(3, TeeType.SGX, tcb.qeSvn(), tcb.pceSvn(), userData());
    return quote(header, SimQuoteEncoder.enclaveReport(tcb, spec), TeeType.SGX);
  }

  /**
   * A v4 TDX quote (TEE type 0x81, TD report 1.0) of a TD on this platform: the TD report's module fields
   * come from the platform's TCB; the signature data wraps the QE report and the PCK chain in
   * certification data type 6.
   */
  public byte[] quoteTdx(TdSpec spec) {
    Objects.requireNonNull(spec, "spec");
    byte[] header = SimQuoteEncoder.header(4, TeeType.TDX, 0, 0, userData());
    return quote(header, SimQuoteEncoder.tdReport10(tcb, spec), TeeType.TDX);
  }

  private byte[] quote(byte[] header, byte[] body, TeeType tee) {
    Bytes authData = SimQuotingEnclave.AUTH_DATA;
    byte[] qeReport = SimQuoteEncoder.qeReport(tcb, tee, attestationKey.publicKeyRaw(), authData);
    byte[] qeReportSignature = pckKey.signRaw(qeReport);
    return SimQuoteEncoder.quote(header, body, attestationKey, qeReport, qeReportSignature, authData,
        certificationData());
  }

  /** The header's user data: a 16-byte QE identifier (derived from the PPID) and 4 zero bytes. */
  private Bytes userData() {
    byte[] id = EcdsaP256.sha256(("clave-sim/qe-id/" + ppid.hex()).getBytes(StandardCharsets.US_ASCII));
    byte[] out = new byte[20];
    System.arraycopy(id, 0, out, 0, 16);
    return Bytes.wrap(out);
  }

  /** Certification data type 5: the PEM chain leaf first, NUL-terminated as Intel's QE writes it. */
  public byte[] certificationData() {
    return (pckCertificatePem() + issuerChainPem + "\0").getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * The platform's identity as the verifier reports it: SHA-256 of the attestation key (x‖y). Stable
   * across PCK re-issues for new TCB levels, which keep the attestation key.
   */
  public Bytes platformId() {
    return Bytes.wrap(EcdsaP256.sha256(attestationKey.publicKeyRaw().toByteArray()));
  }

  public PlatformTcb tcb() {
    return tcb;
  }

  /** The raw 64-byte (x‖y) attestation public key quotes carry. */
  public Bytes attestationPublicKey() {
    return attestationKey.publicKeyRaw();
  }

  public byte[] pckCertificateDer() {
    return pckCertDer.clone();
  }

  public String pckCertificatePem() {
    return SimFiles.certificatePem(pckCertDer);
  }

  /** The serial to list in a PCK CRL to revoke this platform (see {@link CollateralOptions.Builder#revokePck}). */
  public BigInteger pckCertificateSerial() {
    return pckSerial;
  }

  public Bytes ppid() {
    return ppid;
  }

  Bytes platformInstanceId() {
    return platformInstanceId;
  }

  SimKey attestationKey() {
    return attestationKey;
  }

  SimKey pckKey() {
    return pckKey;
  }

  /**
   * Writes the platform into {@code dir}: {@code pck_cert.pem}, {@code pck_key.pem} and {@code
   * attestation_key.pem} (PKCS#8, mode 0600) and {@code platform.json} (the TCB parts no certificate
   * records). Replaces a saved state of the same platform (same attestation key, e.g. after a PCK
   * re-issue), but refuses to overwrite another platform's keys.
   */
  public void save(Path dir) throws IOException {
    Path akFile = dir.resolve(ATTESTATION_KEY);
    if (Files.exists(akFile)) {
      SimKey existing = SimFiles.readPrivateKey(akFile);
      if (!existing.publicKeyRaw().equals(attestationKey.publicKeyRaw())) {
        throw new FileAlreadyExistsException(
            dir.toString(), null, "holds another simulated platform; not overwriting its keys");
      }
    }
    SimFiles.writePrivateKey(akFile, attestationKey, true);
    SimFiles.writePrivateKey(dir.resolve(PCK_KEY), pckKey, true);
    SimFiles.writePublic(dir.resolve(PCK_CERT), pckCertificatePem());
    ObjectNode json = JSON.createObjectNode();
    json.put("qeSvn", tcb.qeSvn());
    json.put("tdxSvn", tcb.tdxSvn());
    ObjectNode module = json.putObject("tdxModule");
    module.put("majorVersion", tcb.tdxModule().majorVersion());
    module.put("isvSvn", tcb.tdxModule().isvSvn());
    module.put("mrSeam", tcb.tdxModule().mrSeam().hexUpper());
    module.put("mrSignerSeam", tcb.tdxModule().mrSignerSeam().hexUpper());
    SimFiles.writePublic(dir.resolve(PLATFORM_JSON), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json) + "\n");
  }

  /** True when {@code dir} holds a saved platform (its attestation key). */
  public static boolean exists(Path dir) {
    return Files.exists(dir.resolve(ATTESTATION_KEY));
  }

  /**
   * Reads a platform {@link #save saved} in {@code dir}, checking that its PCK certificate was issued by
   * {@code root}'s PCK CA and matches its key. The TCB comes from the certificate's SGX extension and
   * {@code platform.json}.
   */
  public static SimPlatform load(Path dir, SimulationRoot root) throws IOException {
    byte[] certDer = SimFiles.readCertificate(dir.resolve(PCK_CERT));
    SimKey pck = SimFiles.readPrivateKey(dir.resolve(PCK_KEY));
    SimKey ak = SimFiles.readPrivateKey(dir.resolve(ATTESTATION_KEY));
    ParsedCertificate cert;
    PckExtensions ext;
    try {
      cert = ParsedCertificate.parse(certDer, "PCK certificate");
      ext = PckExtensions.of(cert);
    } catch (PkiException e) {
      throw new IOException(dir.resolve(PCK_CERT) + ": " + e.getMessage());
    }
    if (!cert.isSignedBy(root.pckCaCertificate())) {
      throw new IOException(dir.resolve(PCK_CERT) + " was not issued by this simulation root's PCK CA");
    }
    if (!cert.spki().equals(pck.spkiDer())) {
      throw new IOException(dir.resolve(PCK_KEY) + " is not the key of " + dir.resolve(PCK_CERT));
    }
    Path jsonFile = dir.resolve(PLATFORM_JSON);
    JsonNode json;
    try {
      json = JSON.readTree(SimFiles.readText(jsonFile));
    } catch (JsonProcessingException e) {
      throw new IOException(jsonFile + ": not valid JSON: " + e.getOriginalMessage());
    }
    PlatformTcb tcb;
    try {
      JsonNode m = required(json, "tdxModule", jsonFile);
      PlatformTcb.TdxModule module = new PlatformTcb.TdxModule(
          intField(m, "majorVersion", jsonFile),
          intField(m, "isvSvn", jsonFile),
          Bytes.fromHex(required(m, "mrSeam", jsonFile).asText()),
          Bytes.fromHex(required(m, "mrSignerSeam", jsonFile).asText()));
      tcb = new PlatformTcb(ext.tcbComponents(), ext.pceSvn(), intField(json, "qeSvn", jsonFile), ext.fmspc(),
          module, intField(json, "tdxSvn", jsonFile));
    } catch (IllegalArgumentException e) {
      throw new IOException(jsonFile + ": " + e.getMessage());
    }
    return new SimPlatform(tcb, pck, ak, certDer, cert.serial(), root.pckIssuerChainPem(), ext.ppid(),
        ext.platformInstanceId());
  }

  private static JsonNode required(JsonNode node, String field, Path file) throws IOException {
    JsonNode v = node == null ? null : node.get(field);
    if (v == null || v.isNull()) {
      throw new IOException(file + ": missing \"" + field + "\"");
    }
    return v;
  }

  private static int intField(JsonNode node, String field, Path file) throws IOException {
    JsonNode v = required(node, field, file);
    if (!v.isIntegralNumber() || !v.canConvertToInt()) {
      throw new IOException(file + ": \"" + field + "\" must be an integer, got " + v);
    }
    return v.intValue();
  }

  @Override
  public String toString() {
    return "SimPlatform[id " + platformId().hex().substring(0, 16) + "…, FMSPC " + tcb.fmspc().hexUpper()
        + ", PCK serial " + pckSerial.toString(16) + "]";
  }
}
