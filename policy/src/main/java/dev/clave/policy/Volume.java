package dev.clave.policy;

import java.util.List;

/**
 * One entry of {@code volumes:}: an encrypted (or authenticated-only) volume whose key CAS keeps.
 *
 * @param files "encrypted" (default) or "authenticated-only"
 * @param fspfKey a pre-initialised volume's key (64 hex or a placeholder), or null
 * @param fspfTag a pre-initialised volume's tag (32 hex), or null
 * @param exports sessions this volume is exported to
 * @param importFrom the exporting session and volume, or null
 */
public record Volume(String name, String files, String fspfKey, String fspfTag, List<Export> exports, Import importFrom) {
  public Volume {
    exports = List.copyOf(exports);
  }

  /** {@code export: - to: {session, session_hash}, update_policy, volume_alias}. */
  public record Export(String session, String sessionHash, String updatePolicy, String volumeAlias) {}

  /** {@code import: {session, volume}}. */
  public record Import(String session, String volume) {}

  @Override
  public String toString() {
    return "Volume[" + name + ", " + files + (fspfKey != null ? ", pre-initialised" : "") + "]";
  }
}
