package dev.clave.attestation.jca;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clave.attestation.pki.EcdsaP256;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Provider;
import java.security.Security;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.util.SplittableRandom;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.junit.jupiter.api.Test;

/** The provider's SHA256withECDSA signing (P256Signer): BouncyCastle's exact bytes, verified by the JDK. */
class EcdsaP256SigningTest {
  private static final Provider CLAVE = new ClaveCryptoProvider();
  private static final Provider SUN_EC = Security.getProvider("SunEC");

  @Test
  void signaturesAreBouncyCastlesBytesAndVerifyWithTheJdk() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC", SUN_EC);
    g.initialize(new ECGenParameterSpec("secp256r1"));
    SplittableRandom rnd = new SplittableRandom(13);
    for (int i = 0; i < 30; i++) {
      KeyPair k = g.generateKeyPair();
      byte[] message = new byte[rnd.nextInt(1, 300)];
      rnd.nextBytes(message);
      Signature s = Signature.getInstance("SHA256withECDSA", CLAVE);
      s.initSign(k.getPrivate());
      s.update(message);
      byte[] ours = s.sign();

      ECDSASigner bc = new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
      BigInteger d = ((ECPrivateKey) k.getPrivate()).getS();
      bc.init(true, new ECPrivateKeyParameters(d, EcdsaP256.DOMAIN));
      BigInteger[] rs = bc.generateSignature(EcdsaP256.sha256(message));
      assertThat(ours).isEqualTo(DerSignature.encode(rs[0], rs[1]));

      Signature v = Signature.getInstance("SHA256withECDSA", SUN_EC);
      v.initVerify(k.getPublic());
      v.update(message);
      assertThat(v.verify(ours)).isTrue();
    }
  }
}
