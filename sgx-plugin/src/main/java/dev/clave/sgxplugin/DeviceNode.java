package dev.clave.sgxplugin;

/**
 * The SGX device nodes a container may be given. Each is looked for under the configured dev root but always
 * handed to kubelet by its host path under {@code /dev}.
 */
public enum DeviceNode {
  /** Mainline kernel ≥ 5.11 and DCAP driver ≥ 1.41. */
  ENCLAVE("sgx_enclave"),
  /** Needed to get a PCK certificate / provisioning key (DCAP quoting enclaves). */
  PROVISION("sgx_provision"),
  /** Older DCAP drivers; now a udev symlink to {@code /dev/sgx_enclave}. */
  LEGACY_ENCLAVE("sgx/enclave"),
  LEGACY_PROVISION("sgx/provision"),
  /** The out-of-tree SGX1 driver (EPID era, no flexible launch control). */
  ISGX("isgx");

  private final String relative;

  DeviceNode(String relative) {
    this.relative = relative;
  }

  /** The path below {@code /dev}. */
  public String relative() {
    return relative;
  }

  /** The path on the host, as kubelet and the container runtime need it. */
  public String hostPath() {
    return "/dev/" + relative;
  }
}
