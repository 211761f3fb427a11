package dev.clave.policy;

import java.util.List;

/**
 * One entry of {@code images:}: files injected into a service's file system and the volumes it mounts.
 *
 * @param provideSecrets secrets that file-system templates may use (v0.3.11), or null when not restricted
 */
public record Image(String name, List<InjectionFile> injectionFiles, List<VolumeMount> volumes, List<String> provideSecrets) {
  public Image {
    injectionFiles = List.copyOf(injectionFiles);
    volumes = List.copyOf(volumes);
    provideSecrets = provideSecrets == null ? null : List.copyOf(provideSecrets);
  }

  /**
   * A file to inject: at {@code path}, with {@code content} (placeholders substituted at start), or, when
   * content is null, the file already at that path with its placeholders substituted. {@code permission}
   * is the Unix mode (default 0o700).
   */
  public record InjectionFile(String path, String content, int permission) {
    public static final int DEFAULT_PERMISSION = 0700;

    @Override
    public String toString() {
      return "InjectionFile[" + path + ", " + (content == null ? "from the file system" : content.length() + " chars")
          + ", 0o" + Integer.toOctalString(permission) + "]";
    }
  }

  /** A volume mounted at {@code path}. */
  public record VolumeMount(String name, String path, String updatePolicy) {}
}
