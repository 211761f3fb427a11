package dev.clave.attestation.collateral;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.clave.attestation.Bytes;
import dev.clave.attestation.quote.TeeType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

class CollateralBundleTest {
  static final List<String> SETS = CollateralSets.NAMES;

  static final List<String> FILES =
      List.of(
          CollateralBundle.PCK_CRL,
          CollateralBundle.PCK_CRL_ISSUER_CHAIN,
          CollateralBundle.ROOT_CA_CRL,
          CollateralBundle.TCB_INFO,
          CollateralBundle.TCB_INFO_ISSUER_CHAIN,
          CollateralBundle.QE_IDENTITY,
          CollateralBundle.QE_IDENTITY_ISSUER_CHAIN);

  @TempDir Path tmp;

  @ParameterizedTest
  @FieldSource("SETS")
  void opensARealSetByteForByte(String set) throws Exception {
    Path dir = CollateralSets.dir(set);
    CollateralBundle bundle = CollateralBundle.open(dir);
    Collateral c = bundle.collateral();

    assertThat(bundle.directory()).isEqualTo(dir);
    assertThat(c.pckCrl().toByteArray()).isEqualTo(CollateralSets.file(set, "pck_crl.der"));
    assertThat(c.rootCaCrl().toByteArray()).isEqualTo(CollateralSets.file(set, "root_ca_crl.der"));
    assertThat(c.tcbInfoJson().toByteArray()).isEqualTo(CollateralSets.file(set, "tcb_info.json"));
    assertThat(c.qeIdentityJson().toByteArray()).isEqualTo(CollateralSets.file(set, "qe_identity.json"));
    assertThat(c.pckCrlIssuerChain()).isEqualTo(CollateralSets.text(set, "pck_crl_issuer_chain.pem"));
    assertThat(c.tcbInfoIssuerChain()).isEqualTo(CollateralSets.text(set, "tcb_info_issuer_chain.pem"));
    assertThat(c.qeIdentityIssuerChain()).isEqualTo(CollateralSets.text(set, "qe_identity_issuer_chain.pem"));
  }

  @ParameterizedTest
  @FieldSource("SETS")
  void fetchReturnsTheSameInstanceForItsPlatform(String set) throws Exception {
    CollateralBundle bundle = CollateralBundle.open(CollateralSets.dir(set));
    TcbInfo info = CollateralJsonRealSetsTest.tcbInfo(set);
    TeeType tee = CollateralSets.isTdx(set) ? TeeType.TDX : TeeType.SGX;
    PckCaType ca = CollateralSets.isTdx(set) ? PckCaType.PLATFORM : PckCaType.PROCESSOR;

    Collateral first = bundle.fetch(new CollateralRequest(tee, info.fmspc(), ca));
    Collateral second = bundle.fetch(new CollateralRequest(tee, info.fmspc(), ca));

    assertThat(first).isSameAs(second).isSameAs(bundle.collateral());
    // Loose: the CA type is left to the verifier, which checks the PCK CRL's issuer properly.
    assertThat(bundle.fetch(new CollateralRequest(tee, info.fmspc(), PckCaType.values()[1 - ca.ordinal()])))
        .isSameAs(first);
  }

  @Test
  void fetchForAnotherPlatformStillReturnsTheBundleSoTheVerifierCanNameTheMismatch() throws Exception {
    CollateralBundle bundle = CollateralBundle.open(CollateralSets.dir(CollateralSets.PHALA_SGX));

    assertThat(bundle.fetch(new CollateralRequest(TeeType.SGX, Bytes.fromHex("00906ED50000"), PckCaType.PROCESSOR)))
        .isSameAs(bundle.collateral());
    assertThat(bundle.fetch(new CollateralRequest(TeeType.TDX, Bytes.fromHex("00A067110000"), PckCaType.PROCESSOR)))
        .isSameAs(bundle.collateral());
  }

  @ParameterizedTest
  @FieldSource("FILES")
  void aMissingFileIsNamed(String file) throws Exception {
    Path dir = copy(CollateralSets.PHALA_TDX);
    Files.delete(dir.resolve(file));

    assertThatThrownBy(() -> CollateralBundle.open(dir))
        .isExactlyInstanceOf(CollateralException.class)
        .hasMessage("collateral bundle " + dir + " has no " + file);
  }

  @ParameterizedTest
  @FieldSource("FILES")
  void anOversizedFileIsNamedAndNotReadWhole(String file) throws Exception {
    Path dir = copy(CollateralSets.PHALA_SGX);
    int limit =
        file.endsWith(".json") ? CollateralJson.MAX_DOCUMENT_BYTES
            : file.endsWith(".pem") ? CollateralParts.MAX_CHAIN_BYTES : CollateralParts.MAX_CRL_BYTES;
    byte[] big = new byte[limit + 1];
    java.util.Arrays.fill(big, (byte) ' ');
    Files.write(dir.resolve(file), big);

    assertThatThrownBy(() -> CollateralBundle.open(dir))
        .isExactlyInstanceOf(CollateralException.class)
        .hasMessage("collateral bundle " + dir + ": " + file + " is larger than the limit of " + limit + " bytes");
  }

  @Test
  void aDirectoryInPlaceOfAFileIsRefused() throws Exception {
    Path dir = copy(CollateralSets.PHALA_SGX);
    Files.delete(dir.resolve("tcb_info.json"));
    Files.createDirectory(dir.resolve("tcb_info.json"));

    assertThatThrownBy(() -> CollateralBundle.open(dir))
        .isExactlyInstanceOf(CollateralException.class)
        .hasMessage("collateral bundle " + dir + ": tcb_info.json is not a regular file");
  }

  @Test
  void theRootCertificateIsIgnoredWhateverItHolds() throws Exception {
    Path dir = copy(CollateralSets.ZKDCAP_SGX);
    Files.delete(dir.resolve("root_ca.der"));
    Collateral without = CollateralBundle.open(dir).collateral();
    Files.writeString(dir.resolve("root_ca.der"), "not a certificate");
    Collateral garbage = CollateralBundle.open(dir).collateral();

    assertThat(without).isEqualTo(garbage).isEqualTo(CollateralBundle.open(CollateralSets.dir(CollateralSets.ZKDCAP_SGX)).collateral());
  }

  @Test
  void aMalformedDocumentIsAFormatErrorNamingFileAndPath() throws Exception {
    Path dir = copy(CollateralSets.PHALA_SGX);
    replace(dir.resolve("tcb_info.json"), "\"fmspc\":\"00A067110000\"", "\"fmspc\":\"00A0671100\"");
    replace(dir.resolve("qe_identity.json"), "\"isvprodid\":1", "\"isvprodid\":-1");

    CollateralFormatException e =
        catchThrowableOfType(CollateralFormatException.class, () -> CollateralBundle.open(dir));
    assertThat(e.getMessage())
        .isEqualTo("tcb_info.json: TCB info: tcbInfo.fmspc: expected 12 hex digits (6 bytes), got 10 characters");
    assertThat(e.path()).isEqualTo("tcbInfo.fmspc");

    Files.copy(CollateralSets.dir(CollateralSets.PHALA_SGX).resolve("tcb_info.json"), dir.resolve("tcb_info.json"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    assertThatThrownBy(() -> CollateralBundle.open(dir))
        .isInstanceOf(CollateralFormatException.class)
        .hasMessage("qe_identity.json: QE identity: enclaveIdentity.isvprodid: expected an integer 0..65535, got -1");
  }

  @Test
  void aMalformedCrlOrChainIsAFormatErrorNamingTheFile() throws Exception {
    Path d1 = copy(CollateralSets.PHALA_SGX);
    Files.writeString(d1.resolve("pck_crl.der"), "-----BEGIN X509 CRL-----");
    assertThatThrownBy(() -> CollateralBundle.open(d1))
        .isInstanceOf(CollateralFormatException.class)
        .hasMessage("pck_crl.der is not a DER X.509 CRL: CertificateList at offset 0: expected tag 0x30, found 0x2D");

    Path d2 = copy(CollateralSets.PHALA_TDX);
    Files.writeString(d2.resolve("tcb_info_issuer_chain.pem"), "no certificates here\n");
    assertThatThrownBy(() -> CollateralBundle.open(d2))
        .isInstanceOf(CollateralFormatException.class)
        .hasMessage("tcb_info_issuer_chain.pem: no PEM certificate found");

    Path d3 = copy(CollateralSets.ZKDCAP_TDX);
    byte[] pem = Files.readAllBytes(d3.resolve("qe_identity_issuer_chain.pem"));
    pem[100] = (byte) 0xc3;
    Files.write(d3.resolve("qe_identity_issuer_chain.pem"), pem);
    assertThatThrownBy(() -> CollateralBundle.open(d3))
        .isInstanceOf(CollateralFormatException.class)
        .hasMessage("qe_identity_issuer_chain.pem is not ASCII PEM text");
  }

  @Test
  void aMissingDirectoryIsRefused() {
    Path nowhere = tmp.resolve("nowhere");
    assertThatThrownBy(() -> CollateralBundle.open(nowhere))
        .isExactlyInstanceOf(CollateralException.class)
        .hasMessage("collateral bundle " + nowhere + " is not a directory");
  }

  @Test
  void writeThenOpenRoundTrips() throws Exception {
    Collateral original = CollateralBundle.open(CollateralSets.dir(CollateralSets.ZKDCAP_TDX)).collateral();
    Path dir = tmp.resolve("written/bundle");

    CollateralBundle.write(dir, original);
    Collateral reread = CollateralBundle.open(dir).collateral();

    assertThat(reread).isEqualTo(original);
    assertThat(reread.digest()).isEqualTo(original.digest());
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrderElementsOf(FILES);
    }
  }

  private Path copy(String set) throws IOException {
    Path dir = Files.createTempDirectory(tmp, set);
    try (var files = Files.list(CollateralSets.dir(set))) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        Files.copy(f, dir.resolve(f.getFileName().toString()));
        dir.resolve(f.getFileName().toString()).toFile().setWritable(true);
      }
    }
    return dir;
  }

  private static void replace(Path file, String from, String to) throws IOException {
    String s = Files.readString(file, StandardCharsets.UTF_8);
    assertThat(s).contains(from);
    Files.writeString(file, s.replace(from, to), StandardCharsets.UTF_8);
  }
}
