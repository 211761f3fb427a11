package dev.clave.cas;

import dev.clave.attestation.quote.EnclaveReport;
import dev.clave.attestation.verify.QuoteVerifier;
import dev.clave.attestation.verify.TrustedRoot;
import dev.clave.attestation.verify.Verdict;
import dev.clave.policy.EvaluationException;
import dev.clave.policy.ServiceEvaluation;
import dev.clave.policy.Session;
import dev.clave.policy.decision.AttestationRules.PlatformId;
import dev.clave.policy.decision.Evidence;
import dev.clave.policy.secrets.SecretValue;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A service's attestation to this CAS (reference §2.3): the quote is verified (Intel's root, and a simulation
 * root only when configured), its report data must be SHA-512 of the TLS certificate the service presented on
 * this very connection — so the configuration goes to the enclave that made the quote — and then the
 * session's policy decides. Every outcome is one of the {@link Outcome} kinds, with a message that says
 * why and never a secret.
 */
final class Attestation {
  /** How an attestation ended. */
  enum Outcome {
    ALLOWED,
    QUOTE_REFUSED,
    REPORT_DATA_NOT_BOUND,
    UNKNOWN_SESSION,
    UNKNOWN_SERVICE,
    POLICY_DENIED
  }

  /** The result: the outcome, a message, the decision's JSON form when the policy decided, the configuration when allowed. */
  record Result(Outcome outcome, String message, Map<String, Object> decision, ServiceEvaluation.RuntimeConfig config,
      String session, String service, String reason) {}

  private final QuoteVerifier verifier;
  private final SessionService sessions;
  private final Clock clock;

  Attestation(QuoteVerifier verifier, SessionService sessions, Clock clock) {
    this.verifier = verifier;
    this.sessions = sessions;
    this.clock = clock;
  }

  /**
   * @param configId {@code SESSION/SERVICE}
   * @param quote the service's DCAP quote
   * @param channelCertificate the DER of the TLS client certificate of this connection
   */
  Result attest(String configId, byte[] quote, byte[] channelCertificate, ServiceEvaluation.Host host) {
    int slash = configId.lastIndexOf('/');
    if (slash <= 0 || slash == configId.length() - 1) {
      return new Result(Outcome.UNKNOWN_SESSION, "the config ID must be SESSION/SERVICE, not " + configId, null, null,
          null, null, "BAD_CONFIG_ID");
    }
    String sessionName = configId.substring(0, slash);
    String serviceName = configId.substring(slash + 1);
    Verdict v = verifier.verify(quote, clock.instant());
    if (!v.verified()) {
      return new Result(Outcome.QUOTE_REFUSED, "the quote was refused: " + v.reason() + ": " + v.message(), null, null,
          sessionName, serviceName, v.reason().name());
    }
    byte[] expected = sha512(channelCertificate);
    if (!MessageDigest.isEqual(expected, v.body().reportData().toByteArray())) {
      return new Result(Outcome.REPORT_DATA_NOT_BOUND, "the quote's report data is not SHA-512 of this connection's"
          + " TLS certificate: the quote was made for another channel", null, null, sessionName, serviceName,
          "REPORT_DATA_NOT_BOUND");
    }
    Optional<Map.Entry<Session, Map<String, SecretValue>>> current = sessions.current(sessionName);
    if (current.isEmpty()) {
      return new Result(Outcome.UNKNOWN_SESSION, "there is no session " + sessionName, null, null, sessionName,
          serviceName, "UNKNOWN_SESSION");
    }
    Session session = current.get().getKey();
    if (session.service(serviceName) == null) {
      return new Result(Outcome.UNKNOWN_SERVICE, "session " + sessionName + " has no service " + serviceName, null,
          null, sessionName, serviceName, "UNKNOWN_SERVICE");
    }
    try {
      ServiceEvaluation.Result r = ServiceEvaluation.evaluate(session, serviceName, evidence(v), current.get().getValue(), host);
      if (!r.allowed()) {
        return new Result(Outcome.POLICY_DENIED, r.decision().toText(), r.decision().toJsonMap(), null, sessionName,
            serviceName, "POLICY_DENIED");
      }
      return new Result(Outcome.ALLOWED, r.decision().toText(), r.decision().toJsonMap(), r.config(), sessionName,
          serviceName, null);
    } catch (EvaluationException e) {
      return new Result(Outcome.POLICY_DENIED, e.getMessage(), null, null, sessionName, serviceName, "EVALUATION_FAILED");
    }
  }

  /** The verified facts the policy decides on; a quote under a simulation root is simulation evidence. */
  static Evidence evidence(Verdict v) {
    Evidence.Kind kind = TrustedRoot.INTEL.equals(v.root())
        ? (v.body() instanceof EnclaveReport ? Evidence.Kind.SGX_DCAP : Evidence.Kind.TDX_DCAP)
        : Evidence.Kind.SIMULATION;
    PlatformId platform = new PlatformId(PlatformId.Kind.LAS_KEY, v.platformId().hex().toLowerCase(Locale.ROOT));
    if (v.body() instanceof EnclaveReport r) {
      return new Evidence(kind, Evidence.Tee.SGX, r.mrEnclave().hex(), r.mrSigner().hex(), r.isvProdId(), r.isvSvn(),
          v.debug(), v.tcbStatus(), v.advisoryIds(), platform);
    }
    return new Evidence(kind, Evidence.Tee.TDX, null, null, 0, 0, v.debug(), v.tcbStatus(), v.advisoryIds(), platform);
  }

  /** Cloned per use: cheaper than a provider lookup per attestation, and never shared between threads. */
  private static final MessageDigest SHA512 = newSha512();

  static byte[] sha512(byte[] data) {
    MessageDigest md;
    try {
      md = (MessageDigest) SHA512.clone();
    } catch (CloneNotSupportedException e) {
      md = newSha512();
    }
    return md.digest(data);
  }

  private static MessageDigest newSha512() {
    try {
      return MessageDigest.getInstance("SHA-512");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
