/**
 * The Local Attestation Service: one per platform, its quoting service and identity. {@link
 * dev.clave.las.LasServer} serves quotes over HTTP/JSON (protocol in its Javadoc); {@link
 * dev.clave.las.PlatformState} keeps the platform and its ID across restarts; {@link
 * dev.clave.las.LasConfig} says how it runs.
 */
package dev.clave.las;
