package dev.clave.policy;

import dev.clave.policy.decision.AttestationRules;
import dev.clave.policy.decision.Tolerance;
import java.util.List;
import java.util.Set;

/**
 * {@code security:}: how services are attested, for all services of the session.
 *
 * @param mode HARDWARE (the default) or NONE
 * @param tolerate the tolerated conditions
 * @param ignoreAdvisories the ignored advisories, or all of them ({@code "*"}, only with debug-mode)
 * @param trustedSconeQePubkeys extra trusted platform quoting keys (64 hex, lowercase)
 * @param otpSecret a TOTP shared secret (base32 or a placeholder), or null
 * @param serviceAccessToken a second factor the service must present, or null
 * @param singletonEnclaves at most one running instance per service
 * @param mustBeSgxLocal local attestation only
 */
public record Security(
    AttestationRules.Mode mode,
    Set<Tolerance> tolerate,
    AttestationRules.AdvisoryRule ignoreAdvisories,
    List<String> trustedSconeQePubkeys,
    String otpSecret,
    String serviceAccessToken,
    boolean singletonEnclaves,
    boolean mustBeSgxLocal) {

  public static final Security DEFAULT = new Security(
      AttestationRules.Mode.HARDWARE, Set.of(), AttestationRules.AdvisoryRule.NONE, List.of(), null, null, false, false);

  public Security {
    tolerate = Set.copyOf(tolerate);
    trustedSconeQePubkeys = List.copyOf(trustedSconeQePubkeys);
  }

  @Override
  public String toString() {
    return "Security[mode=" + mode + ", tolerate=" + tolerate + ", ignoreAdvisories=" + ignoreAdvisories + "]";
  }
}
