package dev.clave.cas.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.clave.policy.protect.KeyHash;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class SignedTreeHeadTest {
  private static final KeyPair KEYS = TestKeys.p256();
  private static final TreeHeadSigner SIGNER = TreeHeadSigner.ecdsaP256(KEYS);
  private static final AuditLogKey KEY = AuditLogKey.fromSpki(KEYS.getPublic().getEncoded());
  private static final Sha256Hash ROOT =
      Sha256Hash.parseHex("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328");
  private static final Instant T = Instant.parse("2026-03-01T12:00:00Z");

  @Test
  void signsAndVerifies() throws Exception {
    SignedTreeHead head = SignedTreeHead.sign(8, ROOT, T, SIGNER);
    assertThat(head.keyId()).isEqualTo(KeyHash.of(KEYS.getPublic().getEncoded()));
    assertThat(head.verify(KEY)).isTrue();
    assertThat(new String(head.signedMessage(), StandardCharsets.UTF_8)).isEqualTo(
        "clave-audit-tree-head-v1\n{\"keyId\":\"" + KEY.keyId() + "\",\"rootHash\":\"" + ROOT.hex()
            + "\",\"timestamp\":\"2026-03-01T12:00:00.000Z\",\"treeSize\":8}");
  }

  @Test
  void anyChangedFieldBreaksTheSignature() throws Exception {
    SignedTreeHead head = SignedTreeHead.sign(8, ROOT, T, SIGNER);
    byte[] sig = head.signature();
    assertThat(new SignedTreeHead(9, ROOT, T, head.keyId(), sig).verify(KEY)).isFalse();
    assertThat(new SignedTreeHead(8, Sha256Hash.EMPTY_TREE, T, head.keyId(), sig).verify(KEY)).isFalse();
    assertThat(new SignedTreeHead(8, ROOT, T.plusMillis(1), head.keyId(), sig).verify(KEY)).isFalse();
    sig[sig.length - 1] ^= 1;
    assertThat(new SignedTreeHead(8, ROOT, T, head.keyId(), sig).verify(KEY)).isFalse();
    // Another key: neither its ID nor its signature passes for this key.
    SignedTreeHead other = SignedTreeHead.sign(8, ROOT, T, TreeHeadSigner.ecdsaP256(TestKeys.p256()));
    assertThat(other.verify(KEY)).isFalse();
    assertThat(new SignedTreeHead(8, ROOT, T, KEY.keyId(), other.signature()).verify(KEY)).isFalse();
  }

  @Test
  void jsonRoundTripsAndIsStrict() throws Exception {
    SignedTreeHead head = SignedTreeHead.sign(8, ROOT, T, SIGNER);
    String json = new String(head.toJson(), StandardCharsets.UTF_8);
    assertThat(json).startsWith("{\"keyId\":\"" + KEY.keyId() + "\",\"rootHash\":\"" + ROOT.hex()
        + "\",\"signature\":\"").endsWith("\",\"timestamp\":\"2026-03-01T12:00:00.000Z\",\"treeSize\":8}");
    assertThat(SignedTreeHead.fromJson(head.toJson())).isEqualTo(head);
    String sig = Base64.getEncoder().encodeToString(head.signature());

    assertThatThrownBy(() -> read(json.replace("\"treeSize\":8", "\"treeSize\":8,\"extra\":1")))
        .hasMessageContaining("head: unknown field extra");
    assertThatThrownBy(() -> read(json.replace(",\"treeSize\":8", "")))
        .hasMessageContaining("head: missing field treeSize");
    assertThatThrownBy(() -> read(json.replace(ROOT.hex(), ROOT.hex().toUpperCase())))
        .hasMessageContaining("head.rootHash: a SHA-256 value is lowercase hex");
    // Unpadded base64 is refused; a DER signature of 72 bytes needs no padding, so use one that does.
    SignedTreeHead padded = head;
    for (int i = 1; padded.signature().length % 3 == 0; i++) {
      padded = SignedTreeHead.sign(8, ROOT, T.plusMillis(i), SIGNER);
    }
    String paddedJson = new String(padded.toJson(), StandardCharsets.UTF_8);
    String paddedSig = Base64.getEncoder().encodeToString(padded.signature());
    assertThat(paddedSig).endsWith("=");
    assertThatThrownBy(() -> read(paddedJson.replace(paddedSig, paddedSig.replace("=", ""))))
        .hasMessageContaining("head.signature: not canonical padded standard base64");
    assertThatThrownBy(() -> read(json.replace(sig, "!!!!")))
        .hasMessageContaining("head.signature: not standard base64");
    assertThatThrownBy(() -> read(json.replace(KEY.keyId().toString(), "notakeyhash")))
        .hasMessageContaining("head.keyId");
    assertThatThrownBy(() -> read(json.replace("\"treeSize\":8", "\"treeSize\":\"8\"")))
        .hasMessageContaining("head.treeSize: must be a non-negative integer");
    assertThatThrownBy(() -> read("{")).hasMessageContaining("a tree head is not valid JSON at line 1");
  }

  @Test
  void aSignerWhosePrivateKeyDoesNotMatchFailsClosed() {
    KeyPair a = TestKeys.p256();
    KeyPair b = TestKeys.p256();
    TreeHeadSigner mismatched = TreeHeadSigner.ecdsaP256(new KeyPair(a.getPublic(), b.getPrivate()));
    assertThatThrownBy(() -> SignedTreeHead.sign(1, ROOT, T, mismatched))
        .isInstanceOf(GeneralSecurityException.class).hasMessageContaining("does not verify");
  }

  @Test
  void onlyP256KeysAreAuditKeys() throws Exception {
    assertThatThrownBy(() -> AuditLogKey.fromSpki(TestKeys.generate("secp384r1").getPublic().getEncoded()))
        .hasMessageContaining("not on the named curve P-256");
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(1024);
    assertThatThrownBy(() -> AuditLogKey.fromSpki(rsa.generateKeyPair().getPublic().getEncoded()))
        .hasMessageContaining("not an EC key");
    assertThatThrownBy(() -> AuditLogKey.fromSpki(new byte[] {0x30, 0x03, 0x02, 0x01, 0x01}))
        .hasMessageContaining("not a DER SubjectPublicKeyInfo");
    byte[] spki = KEYS.getPublic().getEncoded();
    spki[spki.length - 1] ^= 1; // y no longer on the curve
    assertThatThrownBy(() -> AuditLogKey.fromSpki(spki)).hasMessageContaining("not a valid uncompressed P-256");
    assertThatThrownBy(() -> TreeHeadSigner.ecdsaP256(TestKeys.generate("secp384r1")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(AuditLogKey.fromSpki(KEYS.getPublic().getEncoded()).keyId())
        .isEqualTo(KeyHash.of(KEYS.getPublic().getEncoded()));
  }

  @Test
  void toStringShowsNoSignatureAndTheSignerNoKey() throws Exception {
    SignedTreeHead head = SignedTreeHead.sign(8, ROOT, T, SIGNER);
    assertThat(head.toString()).contains("treeSize=8").doesNotContain(
        Base64.getEncoder().encodeToString(head.signature()));
    assertThat(SIGNER.toString()).isEqualTo("TreeHeadSigner[ECDSA P-256]");
  }

  private static SignedTreeHead read(String json) {
    return SignedTreeHead.fromJson(json.getBytes(StandardCharsets.UTF_8));
  }
}
