package dev.clave.attestation.collateral;

/**
 * Where collateral comes from: an offline bundle directory, or Intel's PCS / a PCCS over HTTP.
 * Implementations are thread-safe and return the same {@link Collateral} instance while it is current, so
 * verifiers can cache by it.
 */
public interface CollateralSource {

  /**
   * @throws CollateralException when no collateral can be had for the request (with the reason: missing
   *     file, HTTP status, malformed response…)
   */
  Collateral fetch(CollateralRequest request) throws CollateralException;
}
