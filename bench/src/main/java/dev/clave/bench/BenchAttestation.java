package dev.clave.bench;

import dev.clave.attestation.Bytes;
import dev.clave.attestation.sim.SgxEnclaveSpec;
import dev.clave.attestation.sim.SimInit;
import dev.clave.cas.client.ClientIdentity;
import dev.clave.cas.client.KeyHashPinning;
import dev.clave.policy.protect.KeyHash;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.Collection;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

/** What the CAS load generators share: the attesting service's session, its attestation request, its TLS. */
final class BenchAttestation {
  private BenchAttestation() {}

  /** A session whose service {@code app} accepts the simulated enclave on {@code platform}, with one secret. */
  static String policy(String name, String platform) {
    return """
        name: %s
        version: "0.3"
        security: {attestation: {tolerate: [debug-mode], ignore_advisories: "*"}}
        services:
          - name: app
            mrenclaves: [%s]
            platforms: [%s]
            command: ./app --token $$SCONE::token$$
            pwd: /
        secrets:
          - name: token
            kind: ascii
        """.formatted(name, SgxEnclaveSpec.DEFAULT_MR_ENCLAVE.hex(), platform);
  }

  /**
   * The whole HTTP request of one attestation as {@code configId} by the enclave holding {@code id}: a simulated
   * quote (made before timing) whose report data is SHA-512 of {@code id}'s certificate.
   */
  static byte[] request(Path sim, ClientIdentity id, String configId) throws Exception {
    byte[] rd = MessageDigest.getInstance("SHA-512").digest(id.certificate().getEncoded());
    byte[] quote = SimInit.quote(sim, SimInit.QuoteOptions.defaults().withReportData(Bytes.of(rd))).quote();
    byte[] body = ("{\"configId\":\"" + configId + "\",\"quote\":\"" + Base64.getEncoder().encodeToString(quote) + "\"}")
        .getBytes(StandardCharsets.UTF_8);
    byte[] head = ("POST /v1/attest HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.UTF_8);
    byte[] all = new byte[head.length + body.length];
    System.arraycopy(head, 0, all, 0, head.length);
    System.arraycopy(body, 0, all, head.length, body.length);
    return all;
  }

  /**
   * TLS 1.3 with {@code id} as the client certificate, trusting a CAS by its key hash (one of {@code casKeys}) as
   * {@code clave run} does.
   */
  static SSLContext tls(ClientIdentity id, Collection<KeyHash> casKeys) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setKeyEntry("c", id.privateKey(), new char[0], new Certificate[] {id.certificate()});
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, new char[0]);
    SSLContext ctx = SSLContext.getInstance("TLSv1.3");
    ctx.init(kmf.getKeyManagers(), new TrustManager[] {KeyHashPinning.anyOf(casKeys)}, null);
    return ctx;
  }
}
