package dev.clave.bench;

import dev.clave.attestation.TcbStatus;
import dev.clave.policy.DryRun;
import dev.clave.policy.EvaluationException;
import dev.clave.policy.PolicyException;
import dev.clave.policy.PolicyParser;
import dev.clave.policy.Service;
import dev.clave.policy.ServiceEvaluation;
import dev.clave.policy.Session;
import dev.clave.policy.decision.AttestationRules.PlatformId;
import dev.clave.policy.decision.Evidence;
import dev.clave.policy.secrets.SecretValue;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The policy engine on a 50-service session ({@link PolicyBenchmark#fiftyServices()}: per service two
 * attestation variants, a platform list, a command and environment with secret placeholders, an image with
 * two injection files; 12 secrets of every generated kind), in microseconds per operation, one thread.
 *
 * <ul>
 *   <li>{@code parseValidate}: YAML text to a valid {@link Session} (what CAS does on every upload);
 *   <li>{@code sessionHash}: the canonical form and its SHA-256;
 *   <li>{@code evaluateOneService}: one service start — the attestation decision and, on allow, the
 *       configuration with secrets substituted (secrets were generated once, as CAS keeps them);
 *   <li>{@code parseValidateEvaluateAll}: the figure — parse, validate, then evaluate all 50 services.
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(1)
public class PolicyBenchmark {
  static final int SERVICES = 50;
  static final String PLATFORM = "2c45c8294d491808aa9b2a6bca01b8e185ffc69266c833546e5dca1c676a6151";

  private String text;
  private Session session;
  private Map<String, SecretValue> secrets;
  private Evidence[] evidence;
  private ServiceEvaluation.Host host;
  private int next;

  @Setup
  public void setUp() throws Exception {
    text = fiftyServices();
    session = PolicyParser.parse(text, "bench.yaml");
    secrets = DryRun.secrets(session, Instant.now(), new SecureRandom());
    evidence = new Evidence[SERVICES];
    for (int i = 0; i < SERVICES; i++) {
      evidence[i] = Evidence.sgx(Evidence.Kind.SGX_DCAP, mrenclave(i, 1), signer(i), 7, 3, false,
          TcbStatus.OUT_OF_DATE, List.of("INTEL-SA-00615", "INTEL-SA-00657"),
          new PlatformId(PlatformId.Kind.LAS_KEY, PLATFORM));
    }
    host = new ServiceEvaluation.Host(List.of("./svc", "0.0.0.0:8443"), Map.of("NODE_NAME", "node-1"));
    // Every service must be allowed, or the benchmark would measure denials.
    for (int i = 0; i < SERVICES; i++) {
      if (!ServiceEvaluation.evaluate(session, "svc-" + i, evidence[i], secrets, host).allowed()) {
        throw new IllegalStateException("svc-" + i + " is denied");
      }
    }
  }

  @Benchmark
  public Session parseValidate() throws PolicyException {
    return PolicyParser.parse(text, "bench.yaml");
  }

  @Benchmark
  public String sessionHash() {
    return session.hash();
  }

  @Benchmark
  public ServiceEvaluation.Result evaluateOneService() throws EvaluationException {
    int i = next++ % SERVICES;
    return ServiceEvaluation.evaluate(session, "svc-" + i, evidence[i], secrets, host);
  }

  @Benchmark
  public int parseValidateEvaluateAll() throws Exception {
    Session s = PolicyParser.parse(text, "bench.yaml");
    int allowed = 0;
    for (Service svc : s.services()) {
      int i = Integer.parseInt(svc.name().substring(4));
      allowed += ServiceEvaluation.evaluate(s, svc.name(), evidence[i], secrets, host).allowed() ? 1 : 0;
    }
    return allowed;
  }

  static String mrenclave(int service, int variant) {
    return String.format("%08x", service * 16 + variant).repeat(8);
  }

  static String signer(int service) {
    return String.format("%08x", 0xabc0000 + service).repeat(8);
  }

  /** The benchmark's session: 50 services, 12 secrets. */
  static String fiftyServices() {
    StringBuilder b = new StringBuilder("""
        name: bench/fifty
        version: "0.3.10"
        access_policy: {read: [CREATOR], update: [CREATOR]}
        security:
          attestation:
            tolerate: [outdated-tcb, hyperthreading]
            ignore_advisories: [INTEL-SA-00615, INTEL-SA-00657, INTEL-SA-00828]
        services:
        """);
    for (int i = 0; i < SERVICES; i++) {
      b.append("  - name: svc-").append(i).append('\n')
          .append("    image_name: image-").append(i % 10).append('\n')
          .append("    attestation:\n")
          .append("      - mrenclave: [").append(mrenclave(i, 0)).append(", ").append(mrenclave(i, 1)).append("]\n")
          .append("      - signer: {mrsigner: ").append(signer(i)).append(", isvprodid: 7, isvsvn_min: 2}\n")
          .append("    platforms: [").append(PLATFORM).append(", INTEL_QE_ID:85ffc69266c833546e5dca1c676a6151]\n")
          .append("    command: ./svc --id ").append(i).append(" --password $$SCONE::password$$ --listen @@1\n")
          .append("    environment:\n")
          .append("      SERVICE_ID: \"").append(i).append("\"\n")
          .append("      DB_KEY: $$SCONE::db_key:hex$$\n")
          .append("      API_TOKEN: $$SCONE::api_token$$\n")
          .append("      LOG_LEVEL: info\n")
          .append("      \\@\\@NODE_NAME: \"\"\n")
          .append("    pwd: /srv/svc-").append(i).append('\n');
    }
    b.append("images:\n");
    for (int i = 0; i < 10; i++) {
      b.append("  - name: image-").append(i).append('\n')
          .append("    injection_files:\n")
          .append("      - path: /etc/svc/tls.pem\n")
          .append("        permission: 0o400\n")
          .append("        content: |\n")
          .append("          $$SCONE::server_cert:crt$$\n")
          .append("          $$SCONE::server_key:pem$$\n")
          .append("      - path: /etc/svc/app.conf\n")
          .append("        content: |\n")
          .append("          [db]\n")
          .append("          password = $$SCONE::password$$\n")
          .append("          key = $$SCONE::db_key:base64$$\n");
    }
    b.append("""
        secrets:
          - name: password
            kind: ascii
            size: 32
          - name: api_token
            kind: ascii
          - name: db_key
            kind: binary
            size: 32
          - name: ca_key
            kind: private-key
          - name: ca
            kind: x509-ca
            private_key: ca_key
            common_name: Bench CA
          - name: server_key
            kind: private-key
          - name: server_cert
            kind: x509
            private_key: server_key
            issuer: ca
            dns: [svc.bench.local]
            endpoint: server
          - name: client_key
            kind: private-key
            key_type: Ed25519
          - name: client_public
            kind: public-key
            private_key: client_key
          - name: p384_key
            kind: private-key
            key_type: P-384
          - name: client_cert
            kind: x509
            private_key: p384_key
            issuer: ca
            endpoint: client
          - name: spare
            kind: binary
        """);
    return b.toString();
  }
}
