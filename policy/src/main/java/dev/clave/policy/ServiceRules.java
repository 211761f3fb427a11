package dev.clave.policy;

import dev.clave.policy.decision.AttestationRules;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The {@link AttestationRules} of one service: the session's {@code security.attestation} with the
 * service's variants and platforms, placeholders substituted. Substituted values are checked here, since
 * the parser could only check literal ones.
 */
public final class ServiceRules {
  private ServiceRules() {}

  /** Substitutes the placeholders of one text value (the caller renders secrets in text form). */
  @FunctionalInterface
  public interface Substitution {
    String apply(String text) throws EvaluationException;
  }

  public static AttestationRules of(Session session, Service service, Substitution substitute) throws EvaluationException {
    Security sec = session.security();
    List<AttestationRules.Variant> variants = new ArrayList<>();
    for (Service.AttestationVariant v : service.attestation()) {
      List<String> mrenclaves = new ArrayList<>();
      for (String m : v.mrenclaves()) {
        mrenclaves.add(hex(service, "mrenclave", substitute.apply(m), 32));
      }
      AttestationRules.SignerRule signer = null;
      if (v.signer() != null) {
        Service.Signer s = v.signer();
        signer = new AttestationRules.SignerRule(
            hex(service, "mrsigner", substitute.apply(s.mrsigner()), 32), s.isvprodid(), s.isvsvnMin(), s.isvsvnMax());
      }
      variants.add(new AttestationRules.Variant(mrenclaves, signer));
    }
    List<AttestationRules.PlatformId> platforms = new ArrayList<>();
    for (String p : service.platforms()) {
      platforms.add(platform(service, substitute.apply(p).strip()));
    }
    return new AttestationRules(sec.mode(), variants, platforms, sec.tolerate(), sec.ignoreAdvisories());
  }

  private static String hex(Service service, String what, String value, int bytes) throws EvaluationException {
    String v = value.strip();
    if (v.length() != 2 * bytes || !isHex(v)) {
      throw new EvaluationException("service " + service.name() + ": the " + what + " value is not " + 2 * bytes
          + " hex digits after substitution");
    }
    return v.toLowerCase(Locale.ROOT);
  }

  private static AttestationRules.PlatformId platform(Service service, String v) throws EvaluationException {
    if (v.regionMatches(true, 0, "INTEL_QE_ID:", 0, 12) && v.length() == 44 && isHex(v.substring(12))) {
      return new AttestationRules.PlatformId(AttestationRules.PlatformId.Kind.INTEL_QE_ID, v.substring(12));
    }
    if (v.length() == 64 && isHex(v)) {
      return new AttestationRules.PlatformId(AttestationRules.PlatformId.Kind.LAS_KEY, v);
    }
    throw new EvaluationException("service " + service.name()
        + ": a platforms value is not a platform ID (64 hex digits or INTEL_QE_ID:<32 hex digits>) after substitution");
  }

  private static boolean isHex(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (Character.digit(s.charAt(i), 16) < 0) {
        return false;
      }
    }
    return !s.isEmpty();
  }
}
