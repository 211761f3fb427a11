package dev.clave.policy;

import java.util.List;
import java.util.Map;

/**
 * One entry of {@code services:}. Strings may hold {@code $$SCONE::…$$} placeholders; they are substituted
 * when the service is started, not here.
 *
 * @param name the service's name; the runtime's config ID is {@code <session>/<service>}
 * @param imageName the image whose injection files and volumes the service gets, or null
 * @param command the argument vector: the list form as written, or the string form split at whitespace
 *     with quotes; {@code @@N} tokens take host arguments at start
 * @param commandIsList whether the policy wrote {@code command} as a list (kept for the session hash)
 * @param environment variables by name, in policy order; the policy's environment is all the program sees
 * @param hostEnvironment names passed through from the host environment ({@code \@\@NAME} keys)
 * @param pwd the working directory
 * @param attestation the attestation variants as written (alternatives), hex lowercase where literal
 * @param platforms allowed platform IDs as written (lowercase where literal); empty means any
 * @param otpSecret a per-service TOTP secret overriding the session's, or null
 * @param fspf the file-system protection settings, or null
 */
public record Service(
    String name,
    String imageName,
    List<String> command,
    boolean commandIsList,
    Map<String, String> environment,
    List<String> hostEnvironment,
    String pwd,
    List<AttestationVariant> attestation,
    List<String> platforms,
    String otpSecret,
    Fspf fspf) {

  public Service {
    command = List.copyOf(command);
    environment = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(environment));
    hostEnvironment = List.copyOf(hostEnvironment);
    attestation = List.copyOf(attestation);
    platforms = List.copyOf(platforms);
  }

  /**
   * One variant as written: MRENCLAVE values (any one must match; empty: not checked) and the signer
   * rule (null: not checked). Values may be placeholders.
   */
  public record AttestationVariant(List<String> mrenclaves, Signer signer) {
    public AttestationVariant {
      mrenclaves = List.copyOf(mrenclaves);
    }
  }

  /** {@code signer:} with isvsvn bounds resolved: {@code isvsvn: N} means at least N. */
  public record Signer(String mrsigner, Integer isvprodid, int isvsvnMin, int isvsvnMax) {}

  /** The main file-system protection file of a service. */
  public record Fspf(String path, String key, String tag, String updatePolicy) {}

  @Override
  public String toString() {
    // Environment values and the OTP secret may hold secrets: names only.
    return "Service[" + name + ", command " + command.size() + " args, env " + environment.keySet() + "]";
  }
}
