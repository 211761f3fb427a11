/**
 * Attestation decisions: whether verified {@link dev.clave.policy.decision.Evidence} about an enclave
 * satisfies a service's {@link dev.clave.policy.decision.AttestationRules} (SCONE session language
 * {@code attestation}, {@code platforms} and {@code security.attestation}).
 *
 * <p>{@link dev.clave.policy.decision.AttestationDecision#decide} is the single entry point; its
 * {@link dev.clave.policy.decision.Decision} lists every failed check with a stable code and a hint saying
 * which setting would relax it. {@link dev.clave.policy.decision.Evidence#fromJson} reads the JSON verdicts
 * of {@code clave quote verify --json}, and hand-written evidence for dry runs.
 */
package dev.clave.policy.decision;
