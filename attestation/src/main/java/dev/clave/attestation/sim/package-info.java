/**
 * Simulation mode: a software stand-in for Intel's SGX/TDX attestation root. It is the real protocol on a
 * software root, not a mock: a {@link dev.clave.attestation.sim.SimulationRoot} issues Intel-shaped
 * certificates (root CA, PCK Platform CA, TCB signing, PCK certificates with the SGX extension), CRLs and
 * signed TCB info / QE identity JSON ({@link dev.clave.attestation.sim.SimCollateral}); its
 * {@link dev.clave.attestation.sim.SimPlatform}s emit genuine DCAP quotes (v3 SGX, v4 TDX). The same
 * verifier that checks hardware quotes checks these, and accepts them only when the simulation root is
 * explicitly trusted; verdicts then name the root "simulation".
 *
 * <p>Typical use:
 *
 * <pre>{@code
 * SimulationRoot root = SimulationRoot.create(now);
 * SimPlatform platform = root.issuePlatform(PlatformTcb.ofSvn(7));          // UpToDate on the ladder
 * byte[] quote = platform.quoteSgx(SgxEnclaveSpec.builder().reportData(hash).build());
 * Collateral collateral = root.collateral(CollateralOptions.defaults()).collateral();
 * QuoteVerifier verifier = QuoteVerifier.builder().trustRoot(root.trustedRoot())
 *     .collateralSource(request -> collateral).build();
 * }</pre>
 *
 * Every status and refusal is reachable on purpose: {@link dev.clave.attestation.sim.TcbLevels#platformLadder()}
 * maps a platform SVN to each of Intel's seven TCB statuses, the QE SVN to the QE identity's levels, and
 * {@link dev.clave.attestation.sim.CollateralOptions} revokes, expires or mismatches any part of the
 * collateral. {@link dev.clave.attestation.sim.SimInit} backs {@code clave sim init} and
 * {@code clave sim quote}.
 */
package dev.clave.attestation.sim;
