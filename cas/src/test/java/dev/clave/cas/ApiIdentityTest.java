package dev.clave.cas;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.clave.cas.client.CasClient;
import dev.clave.cas.client.ClientIdentity;
import dev.clave.policy.protect.KeyHash;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The owner's [api_identity] names the CAS's TLS certificate on both listeners; the key (and key hash) stays. */
class ApiIdentityTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path state;
  private final ClientIdentity owner = ClientIdentity.generate();

  private CasServer start() throws Exception {
    return CasServer.start(CasConfig.fromEnvironment(Map.of()).withStateDir(state).withHost("127.0.0.1").withPorts(0, 0));
  }

  private CasClient client(CasServer cas) {
    return CasClient.connect("127.0.0.1:" + cas.clientPort(), cas.identity().keyHash(), owner);
  }

  private static String ownerConfig(String cn, String... alt) throws Exception {
    return "[api_identity]\ncommon_name = \"" + cn + "\"\nalt_names = " + JSON.writeValueAsString(List.of(alt)) + "\n";
  }

  @Test
  void provisioningAndConfigUpdatesRenameTheCertificateButKeepTheKey() throws Exception {
    KeyHash pinned;
    try (CasServer cas = start()) {
      pinned = cas.identity().keyHash();
      assertThat(subject(served(cas.clientPort()))).isEqualTo("CN=cas");
      String body = JSON.createObjectNode().put("token", cas.provisioningToken().orElseThrow())
          .put("ownerConfig", ownerConfig("mycas", "mycas", "cas", "localhost", "mycas.example", "10.1.2.3")).toString();
      HttpResponse<String> p = client(cas).post("/v1/provision", "application/json", body);
      assertThat(p.statusCode()).as(p.body()).isEqualTo(201);

      for (int port : new int[] {cas.clientPort(), cas.enclavePort()}) {
        X509Certificate c = served(port);
        assertThat(subject(c)).isEqualTo("CN=mycas");
        assertThat(altNames(c)).containsExactly("cas", "localhost", "127.0.0.1", "0:0:0:0:0:0:0:1", "mycas", "mycas.example", "10.1.2.3");
        assertThat(KeyHash.of(c.getPublicKey().getEncoded())).isEqualTo(pinned);
      }
    }
    try (CasServer cas = start()) {
      assertThat(cas.identity().keyHash()).isEqualTo(pinned);
      assertThat(subject(served(cas.enclavePort()))).isEqualTo("CN=mycas");

      String update = JSON.createObjectNode().put("ownerConfig", ownerConfig("cas-eu", "cas-eu.example")).toString();
      HttpResponse<String> u = client(cas).post("/v1/owner/config", "application/json", update);
      assertThat(u.statusCode()).as(u.body()).isEqualTo(200);
      X509Certificate c = served(cas.clientPort());
      assertThat(subject(c)).isEqualTo("CN=cas-eu");
      assertThat(altNames(c)).contains("cas-eu.example").doesNotContain("mycas.example");
      assertThat(KeyHash.of(c.getPublicKey().getEncoded())).isEqualTo(pinned);
    }
  }

  private static String subject(X509Certificate c) {
    return c.getSubjectX500Principal().getName();
  }

  private static List<String> altNames(X509Certificate c) throws Exception {
    List<String> out = new ArrayList<>();
    c.getSubjectAlternativeNames().forEach(e -> out.add(String.valueOf(e.get(1))));
    return out;
  }

  /** The certificate a listener presents to a fresh connection. */
  private static X509Certificate served(int port) throws Exception {
    SSLContext ctx = SSLContext.getInstance("TLSv1.3");
    ctx.init(null, new TrustManager[] {new X509TrustManager() {
      @Override
      public void checkClientTrusted(X509Certificate[] chain, String authType) {}

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String authType) {}

      @Override
      public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
      }
    }}, null);
    try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port)) {
      s.startHandshake();
      return (X509Certificate) s.getSession().getPeerCertificates()[0];
    }
  }
}
