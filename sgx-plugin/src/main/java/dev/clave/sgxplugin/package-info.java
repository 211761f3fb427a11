/**
 * The SGX device plugin for kubelet (device plugin API v1beta1). {@link dev.clave.sgxplugin.SgxDevicePlugin}
 * serves one plugin socket per resource ({@link dev.clave.sgxplugin.SgxResource}: Intel's
 * {@code sgx.intel.com/enclave} and {@code sgx.intel.com/provision} slots, or AKS's EPC MiB units), registers
 * with kubelet and again after kubelet restarts, reports health from the device nodes ({@link
 * dev.clave.sgxplugin.PlatformScan}) and publishes the node's SGX label and EPC through a {@link
 * dev.clave.sgxplugin.NodeUpdater}. {@link dev.clave.sgxplugin.PluginConfig} says how it runs.
 */
package dev.clave.sgxplugin;
