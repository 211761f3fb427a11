package dev.clave.policy.protect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.Signature;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SignedPolicyTest {
  static final String POLICY = """
      name: demo
      version: "0.3.10"
      services:
        - name: app
          mrenclaves: [0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef]
          environment:
            GREETING: "grüß dich"
      """;

  private static final KeyPair ALICE = TestKeys.generate("Ed25519");
  private static final KeyPair BOB = TestKeys.generate("Ed25519");

  @Test
  void signatureIsPlainEd25519OverTheUtf8BytesAsTheJdkComputesIt() throws Exception {
    PolicySignature s = SignedPolicy.sign(POLICY, TestKeys.privatePem(ALICE));
    assertThat(s.signer().spkiDer()).isEqualTo(ALICE.getPublic().getEncoded());
    assertThat(s.signatureHex()).hasSize(128).matches("[0-9a-f]{128}");
    // Ed25519 is deterministic: the JDK signing the same bytes gives the same signature.
    Signature jdk = Signature.getInstance("Ed25519");
    jdk.initSign(ALICE.getPrivate());
    jdk.update(POLICY.getBytes(StandardCharsets.UTF_8));
    assertThat(s.signature()).isEqualTo(jdk.sign());
    assertThat(SignedPolicy.verify(POLICY, List.of(s))).isEqualTo(new SignedPolicy.Verification.Valid(List.of(s.signer())));
  }

  @Test
  void opensslPkeyutlRawinInteroperates(@TempDir Path tmp) throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")), "openssl not installed");
    Path key = Files.writeString(tmp.resolve("key.pem"), TestKeys.privatePem(ALICE));
    Path pub = Files.writeString(tmp.resolve("pub.pem"), TestKeys.publicPem(ALICE));
    Path policy = Files.writeString(tmp.resolve("policy.yaml"), POLICY, StandardCharsets.UTF_8);
    Path sig = tmp.resolve("sig.bin");
    run("openssl", "pkeyutl", "-sign", "-rawin", "-inkey", key.toString(), "-in", policy.toString(), "-out", sig.toString());
    PolicySignature ours = SignedPolicy.sign(POLICY, TestKeys.privatePem(ALICE));
    assertThat(Files.readAllBytes(sig)).isEqualTo(ours.signature());
    // And openssl verifies ours.
    Files.write(sig, ours.signature());
    assertThat(run("openssl", "pkeyutl", "-verify", "-rawin", "-pubin", "-inkey", pub.toString(), "-in", policy.toString(),
        "-sigfile", sig.toString())).contains("Signature Verified Successfully");
  }

  private static String run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(output).isZero();
    return output;
  }

  @Test
  void anyChangedByteFails() {
    PolicySignature s = SignedPolicy.sign(POLICY, TestKeys.privatePem(ALICE));
    byte[] bytes = POLICY.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < bytes.length; i++) {
      byte[] changed = bytes.clone();
      changed[i] ^= 0x01;
      String text = new String(changed, StandardCharsets.UTF_8);
      if (text.equals(POLICY)) {
        continue;
      }
      assertThat(SignedPolicy.verify(text, List.of(s)).valid()).as("byte %d", i).isFalse();
    }
    assertThat(SignedPolicy.verify(POLICY + "\n", List.of(s)))
        .isEqualTo(new SignedPolicy.Verification.Invalid("signature 1 (signer " + s.signer().text() + ") does not match the policy text"));
    byte[] sig = s.signature();
    sig[63] ^= 0x40;
    PolicySignature tampered = new PolicySignature(s.signer(), HexFormat.of().formatHex(sig));
    assertThat(SignedPolicy.verify(POLICY, List.of(tampered)).valid()).isFalse();
    PolicySignature wrongSigner = new PolicySignature(SignerKey.fromPem(TestKeys.publicPem(BOB)), s.signatureHex());
    assertThat(SignedPolicy.verify(POLICY, List.of(wrongSigner)).valid()).isFalse();
  }

  @Test
  void everySignatureMustVerifyNoneMissingNoSignerTwice() {
    PolicySignature a = SignedPolicy.sign(POLICY, TestKeys.privatePem(ALICE));
    PolicySignature b = SignedPolicy.sign(POLICY, TestKeys.privatePem(BOB));
    PolicySignature bOther = SignedPolicy.sign(POLICY + "x", TestKeys.privatePem(BOB));
    assertThat(SignedPolicy.verify(POLICY, List.of(a, b)))
        .isEqualTo(new SignedPolicy.Verification.Valid(List.of(a.signer(), b.signer())));
    assertThat(SignedPolicy.verify(POLICY, List.of(a, bOther)))
        .isEqualTo(new SignedPolicy.Verification.Invalid("signature 2 (signer " + b.signer().text() + ") does not match the policy text"));
    assertThat(SignedPolicy.verify(POLICY, List.of())).isEqualTo(new SignedPolicy.Verification.Invalid("no signatures"));
    assertThat(SignedPolicy.verify(POLICY, List.of(a, b, a)))
        .isEqualTo(new SignedPolicy.Verification.Invalid("signer " + a.signer().text() + " is listed twice (signatures 1 and 3)"));
    SignedPolicy doc = SignedPolicy.create(POLICY, TestKeys.privatePem(ALICE)).withSignature(b);
    assertThat(doc.verify().valid()).isTrue();
    assertThatThrownBy(() -> doc.withSignature(a)).hasMessageContaining("has already signed this policy");
  }

  @Test
  void jsonRoundTripsInTheDocumentedShape() {
    SignedPolicy doc = SignedPolicy.create(POLICY, TestKeys.privatePem(ALICE))
        .withSignature(SignedPolicy.sign(POLICY, TestKeys.privatePem(BOB)));
    String json = doc.toJson();
    assertThat(json).startsWith("{\n  \"policy\": \"name: demo\\n").contains("\"signatures\": [\n    {\n      \"signer\": \"");
    SignedPolicy back = SignedPolicy.fromJson(json);
    assertThat(back).isEqualTo(doc);
    assertThat(back.policy()).isEqualTo(POLICY);
    assertThat(back.verify().valid()).isTrue();
    assertThat(doc.toString()).doesNotContain("demo").contains(POLICY.getBytes(StandardCharsets.UTF_8).length + " bytes");
  }

  @Test
  void signerMayBeWrittenAsPemAndSignatureInUpperCase() {
    PolicySignature s = SignedPolicy.sign(POLICY, TestKeys.privatePem(ALICE));
    String json = "{\"policy\": " + quote(POLICY) + ", \"signatures\": [{\"signer\": " + quote(s.signer().toPem())
        + ", \"signature\": \"" + s.signatureHex().toUpperCase() + "\"}]}";
    SignedPolicy doc = SignedPolicy.fromJson(json);
    assertThat(doc.signatures()).containsExactly(s);
    assertThat(doc.verify().valid()).isTrue();
  }

  @Test
  void strictJsonReadingWithPreciseErrors() {
    String sig = SignedPolicy.sign(POLICY, TestKeys.privatePem(ALICE)).signatureHex();
    String signer = SignerKey.fromPem(TestKeys.publicPem(ALICE)).text();
    String entry = "{\"signer\": \"" + signer + "\", \"signature\": \"" + sig + "\"}";
    assertRefused("{\"policy\": \"p\", \"signatures\": [" + entry + "], \"casAddress\": \"x\"}",
        "signed policy JSON: the document: unknown field \"casAddress\" (allowed: policy, signatures)");
    assertRefused("{\"policy\": 5, \"signatures\": [" + entry + "]}", "signed policy JSON: policy: expected a string, got a number");
    assertRefused("{\"signatures\": [" + entry + "]}", "signed policy JSON: the document: missing field \"policy\"");
    assertRefused("{\"policy\": \"p\", \"signatures\": {}}", "signed policy JSON: signatures: expected an array, got an object");
    assertRefused("{\"policy\": \"p\", \"signatures\": []}",
        "signed policy JSON: signatures: the array is empty; a signed policy needs at least one signature");
    assertRefused("{\"policy\": \"p\", \"signatures\": [" + entry + ", 7]}",
        "signed policy JSON: signatures[1]: expected an object, got a number");
    assertRefused("{\"policy\": \"p\", \"signatures\": [{\"signer\": \"" + signer + "\", \"signature\": \"" + sig.substring(1) + "\"}]}",
        "signed policy JSON: signatures[0].signature: expected 128 hex digits, got 127 characters");
    assertRefused("{\"policy\": \"p\", \"signatures\": [{\"signer\": \"" + signer + "\", \"signature\": \"" + sig.substring(0, 16) + "g"
        + sig.substring(17) + "\"}]}",
        "signed policy JSON: signatures[0].signature: character 'g' at position 17 is not a hex digit");
    assertRefused("{\"policy\": \"p\", \"signatures\": [{\"signer\": \"" + signer + "\", \"signature\": null}]}",
        "signed policy JSON: signatures[0].signature: expected a string, got null");
    assertRefused("{\"policy\": \"p\", \"signatures\": [{\"signer\": \"" + signer + "\", \"signature\": \"" + sig + "\", \"at\": 1}]}",
        "signed policy JSON: signatures[0]: unknown field \"at\" (allowed: signature, signer)");
    assertRefused("{\"policy\": \"p\", \"signatures\": [{\"signer\": \"" + KeyHashTest.SCONE_EXAMPLE + "\", \"signature\": \"" + sig + "\"}]}",
        "signed policy JSON: signatures[0].signer: signer key (Base58Check Ed25519 form): wrong version 0x01, expected 0x0a");
    String p384 = SignerKey.parse(TestKeys.publicPem(TestKeys.generate("P-384"))).toPem();
    assertRefused("{\"policy\": \"p\", \"signatures\": [{\"signer\": " + quote(p384) + ", \"signature\": \"" + sig + "\"}]}",
        "signed policy JSON: signatures[0].signer: a P-384 key; Clave signs and verifies policies with Ed25519 keys only");
    assertRefused("{\"policy\": \"p\", \"policy\": \"q\", \"signatures\": [" + entry + "]}",
        "signed policy JSON: line 1, column 25: Duplicate field 'policy'");
    String trailing = "{\"policy\": \"p\", \"signatures\": [" + entry + "]} {}";
    assertRefused(trailing, "signed policy JSON: line 1, column " + (trailing.length() - 1)
        + ": unexpected content after the end of the document");
    assertRefused("", "signed policy JSON: the document is empty");
    assertRefused("[1]", "signed policy JSON: the document: expected an object, got an array");
    assertRefused("{\"policy\": \"\\ud800\", \"signatures\": [" + entry + "]}",
        "signed policy JSON: policy: policy text is not valid Unicode (an unpaired surrogate)");
    assertThatThrownBy(() -> SignedPolicy.fromJson("{\n  \"policy\": nope}"))
        .isInstanceOf(InvalidEncodingException.class)
        .hasMessageStartingWith("signed policy JSON: line 2, column ");
  }

  private static void assertRefused(String json, String message) {
    assertThatThrownBy(() -> SignedPolicy.fromJson(json)).isInstanceOf(InvalidEncodingException.class).hasMessage(message);
  }

  @Test
  void privateKeyProblemsAreNamed() {
    assertThatThrownBy(() -> SignedPolicy.sign(POLICY, TestKeys.privatePem(TestKeys.generate("P-256"))))
        .hasMessage("the private key's algorithm is 1.2.840.10045.2.1, not Ed25519 (1.3.101.112); policy signatures need an Ed25519 key");
    assertThatThrownBy(() -> SignedPolicy.sign(POLICY, TestKeys.publicPem(ALICE)))
        .hasMessage("no PEM PRIVATE KEY block (found PUBLIC KEY); expected an Ed25519 key in PKCS#8, as openssl genpkey -algorithm ed25519 writes");
    assertThatThrownBy(() -> SignedPolicy.sign(POLICY, TestKeys.pem("ENCRYPTED PRIVATE KEY", new byte[] {1, 2, 3})))
        .hasMessageStartingWith("the private key is encrypted");
    assertThatThrownBy(() -> SignedPolicy.sign(POLICY, TestKeys.pem("PRIVATE KEY", new byte[] {4, 2, 0, 0})))
        .hasMessage("the PRIVATE KEY block is not PKCS#8");
  }

  @Test
  void policyTextIsBounded() {
    String big = "a".repeat(SignedPolicy.MAX_POLICY_BYTES + 1);
    assertThatThrownBy(() -> SignedPolicy.sign(big, TestKeys.privatePem(ALICE))).hasMessageContaining("more than the 1048576");
    // Multi-byte characters count in UTF-8 bytes.
    String wide = "ü".repeat(SignedPolicy.MAX_POLICY_BYTES / 2 + 1);
    assertThatThrownBy(() -> SignedPolicy.sign(wide, TestKeys.privatePem(ALICE)))
        .hasMessage("policy text of 1048578 UTF-8 bytes, more than the 1048576 allowed");
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
  }
}
