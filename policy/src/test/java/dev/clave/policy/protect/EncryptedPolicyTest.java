package dev.clave.policy.protect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.hpke.HPKE;
import org.bouncycastle.crypto.hpke.HPKEContextWithEncapsulation;
import org.junit.jupiter.api.Test;

class EncryptedPolicyTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final byte[] POLICY = "name: secret-demo\nsecrets:\n  - name: k\n    kind: ascii\n    value: hunter2\n"
      .getBytes(StandardCharsets.UTF_8);

  /**
   * RFC 9180 Appendix A.1.1: DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-128-GCM, base mode. The RFC prints no
   * vector for AES-256-GCM with this KEM; {@link BoringSslAes256} covers the sender side of that suite, and an
   * independent JDK receiver, proven on this vector, opens Clave's envelope.
   */
  static final class Rfc9180 {
    static final byte[] INFO = HEX.parseHex("4f6465206f6e2061204772656369616e2055726e");
    static final byte[] SK_R = HEX.parseHex("4612c550263fc8ad58375df3f557aac531d26850903e55a9f23f21d8534e8ac8");
    static final byte[] PK_R = HEX.parseHex("3948cfe0ad1ddb695d780e59077195da6c56506b027329794ab02bca80815c4d");
    static final byte[] SK_E = HEX.parseHex("52c4a758a802cd8b936eceea314432798d5baf2d7e9235dc084ab1b9cfa2f736");
    static final byte[] ENC = HEX.parseHex("37fda3567bdbd628e88668c3c8d7e97d1d1253b6d4ea6d44c150f741f1bf4431");
    static final byte[] PT = HEX.parseHex("4265617574792069732074727574682c20747275746820626561757479");
    static final byte[] AAD0 = HEX.parseHex("436f756e742d30");
    static final byte[] CT0 = HEX.parseHex(
        "f938558b5d72f1a23810b4be2ab4f84331acc02fc97babc53a52ae8218a355a96d8770ac83d07bea87e13c512a");
  }

  /**
   * BoringSSL's sender-side vector for exactly Clave's suite (KEM 0x20, KDF 1, AEAD 2), as Google Tink carries it in
   * hpke_test_util.cc (no skRm or enc published).
   */
  static final class BoringSslAes256 {
    static final byte[] PK_R = HEX.parseHex("ac66bae9ffa270cf4a89ed9f274e30c0456babae2572aaaf002ff0d8884ab018");
    static final byte[] SK_E = HEX.parseHex("28e212563a8b6f068af7ff17400ff1baf23612b7a738bbaf5dfb321b2b5b431a");
    static final byte[] CT0 = HEX.parseHex(
        "23ded2d5d90ea89d975dac4792b297240f194952d7421aacbff0474100052b6bb8aa58d18ef6c42b6960e2e28f");
  }

  @Test
  void suiteReproducesBoringSslsAes256Vector() throws Exception {
    HPKE suite = EncryptedPolicy.suite();
    AsymmetricCipherKeyPair ephemeral = suite.deserializePrivateKey(BoringSslAes256.SK_E, null);
    HPKEContextWithEncapsulation sender =
        suite.setupBaseS(suite.deserializePublicKey(BoringSslAes256.PK_R), Rfc9180.INFO, ephemeral);
    assertThat(sender.seal(Rfc9180.AAD0, Rfc9180.PT)).isEqualTo(BoringSslAes256.CT0);
  }

  @Test
  void roundTrip() throws Exception {
    SessionEncryptionKeyPair cas = SessionEncryptionKeyPair.generate();
    String envelope = EncryptedPolicy.seal(POLICY, cas.publicKey());
    byte[] raw = Base64.getDecoder().decode(envelope);
    assertThat(raw).hasSize(1 + 32 + POLICY.length + 16);
    assertThat(raw[0]).isEqualTo((byte) 1);
    assertThat(EncryptedPolicy.open(envelope, cas)).isEqualTo(POLICY);
    assertThat(EncryptedPolicy.open("  " + envelope + "\n", cas)).isEqualTo(POLICY);
    // Fresh ephemeral key every time.
    assertThat(EncryptedPolicy.seal(POLICY, cas.publicKey())).isNotEqualTo(envelope);
    assertThat(EncryptedPolicy.open(EncryptedPolicy.seal(new byte[0], cas.publicKey()), cas)).isEmpty();
  }

  @Test
  void everyChangedByteFailsWithOneGenericMessage() throws Exception {
    SessionEncryptionKeyPair cas = SessionEncryptionKeyPair.generate();
    byte[] raw = Base64.getDecoder().decode(EncryptedPolicy.seal("x: 1\n".getBytes(StandardCharsets.UTF_8), cas.publicKey()));
    for (int i = 0; i < raw.length; i++) {
      for (int bit : new int[] {0x01, 0x80}) {
        byte[] changed = raw.clone();
        changed[i] ^= (byte) bit;
        String text = Base64.getEncoder().encodeToString(changed);
        if (i == 0) {
          assertThatThrownBy(() -> EncryptedPolicy.open(text, cas))
              .isInstanceOf(InvalidEncodingException.class)
              .hasMessageMatching("encrypted policy format version \\d+ is not supported \\(this Clave reads version 1\\)");
        } else {
          assertThatThrownBy(() -> EncryptedPolicy.open(text, cas)).as("byte %d bit %x", i, bit)
              .isInstanceOf(DecryptionException.class)
              .hasMessage("cannot decrypt the policy: wrong key, or the ciphertext was changed");
        }
      }
    }
    byte[] truncated = Arrays.copyOf(raw, raw.length - 1);
    assertThatThrownBy(() -> EncryptedPolicy.open(Base64.getEncoder().encodeToString(truncated), cas))
        .isInstanceOf(DecryptionException.class);
  }

  @Test
  void wrongKeyFailsWithTheSameMessage() {
    String envelope = EncryptedPolicy.seal(POLICY, SessionEncryptionKeyPair.generate().publicKey());
    assertThatThrownBy(() -> EncryptedPolicy.open(envelope, SessionEncryptionKeyPair.generate()))
        .isInstanceOf(DecryptionException.class)
        .hasMessage("cannot decrypt the policy: wrong key, or the ciphertext was changed");
  }

  @Test
  void formatErrorsArePrecise() {
    SessionEncryptionKeyPair cas = SessionEncryptionKeyPair.generate();
    assertThatThrownBy(() -> EncryptedPolicy.open("", cas)).hasMessage("encrypted policy is empty");
    assertThatThrownBy(() -> EncryptedPolicy.open("AAAA AAAA", cas))
        .isInstanceOf(InvalidEncodingException.class)
        .hasMessage("encrypted policy is not base64: character U+0020 at position 5");
    assertThatThrownBy(() -> EncryptedPolicy.open("AA-_", cas)).hasMessageEndingWith("(the URL-safe alphabet is not accepted)");
    assertThatThrownBy(() -> EncryptedPolicy.open("AQID", cas))
        .hasMessage("encrypted policy too short: 3 bytes, at least 49 needed (version 1 + encapsulated key 32 + tag 16)");
    assertThatThrownBy(() -> EncryptedPolicy.open("A=AA", cas)).hasMessageStartingWith("encrypted policy is not base64: ");
    assertThatThrownBy(() -> EncryptedPolicy.open("A".repeat(2_000_000), cas)).hasMessageContaining("more than the");
    assertThatThrownBy(() -> EncryptedPolicy.seal(new byte[EncryptedPolicy.MAX_PLAINTEXT_BYTES + 1], cas.publicKey()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void kemAndKeyScheduleReproduceRfc9180AppendixA1() throws Exception {
    HPKE suite = EncryptedPolicy.suite();
    assertThat(suite.getAeadId()).isEqualTo(HPKE.aead_AES_GCM256);
    assertThat(suite.getEncSize()).isEqualTo(32);
    // The same KEM and KDF with the RFC's AES-128-GCM: BouncyCastle reproduces the published ciphertext.
    HPKE aes128 = new HPKE(HPKE.mode_base, HPKE.kem_X25519_SHA256, HPKE.kdf_HKDF_SHA256, HPKE.aead_AES_GCM128);
    AsymmetricCipherKeyPair ephemeral = aes128.deserializePrivateKey(Rfc9180.SK_E, null);
    HPKEContextWithEncapsulation sender = aes128.setupBaseS(aes128.deserializePublicKey(Rfc9180.PK_R), Rfc9180.INFO, ephemeral);
    assertThat(sender.getEncapsulation()).isEqualTo(Rfc9180.ENC);
    assertThat(sender.seal(Rfc9180.AAD0, Rfc9180.PT)).isEqualTo(Rfc9180.CT0);
    // Clave's key pair type derives the RFC's public key and opens the RFC's message.
    SessionEncryptionKeyPair recipient = SessionEncryptionKeyPair.fromPrivateKey(Rfc9180.SK_R);
    assertThat(recipient.publicKey().raw()).isEqualTo(Rfc9180.PK_R);
    assertThat(aes128.setupBaseR(Rfc9180.ENC, recipient.bouncyCastle(), Rfc9180.INFO).open(Rfc9180.AAD0, Rfc9180.CT0))
        .isEqualTo(Rfc9180.PT);
  }

  @Test
  void independentJdkReceiverOpensTheAes256Envelope() throws Exception {
    // First the JDK-only receiver proves itself on the RFC vector, then it opens Clave's envelope.
    assertThat(JdkHpkeReceiver.open(0x0001, Rfc9180.SK_R, Rfc9180.PK_R, Rfc9180.ENC, Rfc9180.INFO, Rfc9180.AAD0, Rfc9180.CT0))
        .isEqualTo(Rfc9180.PT);
    SessionEncryptionKeyPair cas = SessionEncryptionKeyPair.generate();
    byte[] raw = Base64.getDecoder().decode(EncryptedPolicy.seal(POLICY, cas.publicKey()));
    byte[] enc = Arrays.copyOfRange(raw, 1, 33);
    byte[] ct = Arrays.copyOfRange(raw, 33, raw.length);
    byte[] info = "clave encrypted policy v1".getBytes(StandardCharsets.US_ASCII);
    assertThat(JdkHpkeReceiver.open(0x0002, cas.privateKeyBytes(), cas.publicKey().raw(), enc, info, new byte[0], ct))
        .isEqualTo(POLICY);
    // The same envelope under the AES-128 suite id must not open: the suite is bound into the keys.
    assertThatThrownBy(() -> JdkHpkeReceiver.open(0x0001, cas.privateKeyBytes(), cas.publicKey().raw(), enc, info, new byte[0], ct))
        .isInstanceOf(javax.crypto.AEADBadTagException.class);
  }

  @Test
  void sessionEncryptionKeyForms() throws Exception {
    SessionEncryptionKeyPair cas = SessionEncryptionKeyPair.fromPrivateKey(Rfc9180.SK_R);
    assertThat(cas.privateKeyBytes()).isEqualTo(Rfc9180.SK_R);
    SessionEncryptionKey key = cas.publicKey();
    assertThat(cas.publicKeyHex()).isEqualTo(HEX.formatHex(Rfc9180.PK_R));
    assertThat(SessionEncryptionKey.parse(key.hex().toUpperCase())).isEqualTo(key);
    assertThat(SessionEncryptionKey.parse(key.toPem())).isEqualTo(key).hasSameHashCodeAs(key);
    assertThat(cas.toString()).doesNotContain(HEX.formatHex(Rfc9180.SK_R)).contains(key.hex());
    // A JDK-generated X25519 key in PEM.
    KeyPair jdk = TestKeys.generate("X25519");
    SessionEncryptionKey fromJdk = SessionEncryptionKey.fromPem(TestKeys.publicPem(jdk));
    assertThat(fromJdk.raw()).isEqualTo(Arrays.copyOfRange(jdk.getPublic().getEncoded(), 12, 44));
    assertThatThrownBy(() -> SessionEncryptionKey.fromPem(TestKeys.publicPem(TestKeys.generate("Ed25519"))))
        .hasMessage("the public key's algorithm is 1.3.101.112, not X25519 (1.3.101.110)");
    assertThatThrownBy(() -> SessionEncryptionKey.fromHex("00".repeat(32)))
        .hasMessage("not a usable X25519 public key (a point of small order)");
    assertThatThrownBy(() -> SessionEncryptionKey.fromHex("01" + "00".repeat(31)))
        .hasMessage("not a usable X25519 public key (a point of small order)");
    assertThatThrownBy(() -> SessionEncryptionKey.fromHex("ab")).hasMessage("session encryption key: expected 64 hex digits, got 2 characters");
    assertThatThrownBy(() -> SessionEncryptionKey.fromHex("x" + key.hex().substring(1)))
        .hasMessage("session encryption key: character 'x' at position 1 is not a hex digit");
    assertThatThrownBy(() -> SessionEncryptionKeyPair.fromPrivateKey(new byte[31])).hasMessageContaining("32 bytes, got 31");
  }

  /** RFC 9180 base-mode receiver for this suite from JDK primitives only (X25519, HmacSHA256, AES/GCM). */
  static final class JdkHpkeReceiver {
    /** {@code aeadId} 0x0001 is AES-128-GCM, 0x0002 AES-256-GCM. */
    static byte[] open(int aeadId, byte[] skR, byte[] pkR, byte[] enc, byte[] info, byte[] aad, byte[] ct) throws Exception {
      KeyFactory x25519 = KeyFactory.getInstance("X25519");
      PrivateKey sk = x25519.generatePrivate(new PKCS8EncodedKeySpec(concat(HEX.parseHex("302e020100300506032b656e04220420"), skR)));
      PublicKey pkE = x25519.generatePublic(new X509EncodedKeySpec(concat(HEX.parseHex("302a300506032b656e032100"), enc)));
      KeyAgreement ka = KeyAgreement.getInstance("X25519");
      ka.init(sk);
      ka.doPhase(pkE, true);
      byte[] dh = ka.generateSecret();
      // DHKEM: suite_id = "KEM" || I2OSP(0x0020, 2)
      byte[] kemSuite = concat(ascii("KEM"), new byte[] {0x00, 0x20});
      byte[] eaePrk = labeledExtract(kemSuite, new byte[0], "eae_prk", dh);
      byte[] sharedSecret = labeledExpand(kemSuite, eaePrk, "shared_secret", concat(enc, pkR), 32);
      // Key schedule: suite_id = "HPKE" || kem 0x0020 || kdf 0x0001 || aead id
      byte[] suite = concat(ascii("HPKE"), new byte[] {0x00, 0x20, 0x00, 0x01, 0x00, (byte) aeadId});
      byte[] pskIdHash = labeledExtract(suite, new byte[0], "psk_id_hash", new byte[0]);
      byte[] infoHash = labeledExtract(suite, new byte[0], "info_hash", info);
      byte[] context = concat(new byte[] {0x00}, pskIdHash, infoHash);
      byte[] secret = labeledExtract(suite, sharedSecret, "secret", new byte[0]);
      byte[] key = labeledExpand(suite, secret, "key", context, aeadId == 0x0002 ? 32 : 16);
      byte[] nonce = labeledExpand(suite, secret, "base_nonce", context, 12);
      Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
      gcm.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
      gcm.updateAAD(aad);
      return gcm.doFinal(ct);
    }

    static byte[] labeledExtract(byte[] suite, byte[] salt, String label, byte[] ikm) throws Exception {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(salt.length == 0 ? new byte[32] : salt, "HmacSHA256"));
      return mac.doFinal(concat(ascii("HPKE-v1"), suite, ascii(label), ikm));
    }

    static byte[] labeledExpand(byte[] suite, byte[] prk, String label, byte[] info, int length) throws Exception {
      byte[] labeledInfo = concat(new byte[] {(byte) (length >> 8), (byte) length}, ascii("HPKE-v1"), suite, ascii(label), info);
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(prk, "HmacSHA256"));
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] t = new byte[0];
      for (int i = 1; out.size() < length; i++) {
        mac.update(t);
        mac.update(labeledInfo);
        mac.update((byte) i);
        t = mac.doFinal();
        out.write(t);
      }
      return Arrays.copyOf(out.toByteArray(), length);
    }

    static byte[] ascii(String s) {
      return s.getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] concat(byte[]... parts) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      for (byte[] p : parts) {
        out.writeBytes(p);
      }
      return out.toByteArray();
    }
  }
}
