package dev.clave.attestation.sim;

import dev.clave.attestation.Bytes;
import java.util.Objects;

/**
 * The TCB of a simulated platform: what its PCK certificate records (16 SGX component SVNs, PCESVN,
 * FMSPC) and what only its quotes show (the QE's ISVSVN; for TDX the module and TEE_TCB_SVN).
 *
 * <p>The simulated CPU reports its component SVNs as its CPUSVN, so {@link #cpuSvn()} equals {@link
 * #sgxComponents()}. A TD's TEE_TCB_SVN is {@code [module ISV SVN, module major version, tdxSvn, 0 …]}:
 * byte 2 stands for the TDX late microcode, which is what the TDX half of a TCB level checks.
 *
 * @param sgxComponents SGXTCBCOMP01..16 SVNs, 16 bytes
 * @param pceSvn PCESVN, 0..65535
 * @param qeSvn the ISVSVN of the platform's quoting enclave, 0..65535
 * @param fmspc 6 bytes
 * @param tdxModule the TDX module TDs on this platform run under
 * @param tdxSvn TEE_TCB_SVN byte 2, 0..255
 */
public record PlatformTcb(Bytes sgxComponents, int pceSvn, int qeSvn, Bytes fmspc, TdxModule tdxModule, int tdxSvn) {

  /** The FMSPC simulated platforms have unless told otherwise ("C1A7E" for Clave). */
  public static final Bytes DEFAULT_FMSPC = Bytes.fromHex("00C1A7E00000");
  /** The QE ISVSVN the default QE identity rates UpToDate (see {@link CollateralOptions#defaultQeLevels()}). */
  public static final int QE_SVN_UP_TO_DATE = 8;

  public PlatformTcb {
    SimValues.exact(sgxComponents, 16, "SGX TCB components");
    SimValues.range(pceSvn, 0, 0xffff, "PCESVN");
    SimValues.range(qeSvn, 0, 0xffff, "QE SVN");
    SimValues.exact(fmspc, 6, "FMSPC");
    Objects.requireNonNull(tdxModule, "tdxModule");
    SimValues.range(tdxSvn, 0, 0xff, "TDX SVN");
  }

  /**
   * All 16 SGX component SVNs, the PCESVN and the TDX SVN equal to {@code svn}; the up-to-date QE, the
   * default TDX module and FMSPC. With {@link TcbLevels#platformLadder()} the SVN alone picks the status.
   */
  public static PlatformTcb ofSvn(int svn) {
    SimValues.range(svn, 0, 0xff, "SVN");
    return new PlatformTcb(SimValues.filled(16, svn), svn, QE_SVN_UP_TO_DATE, DEFAULT_FMSPC, TdxModule.DEFAULT, svn);
  }

  public PlatformTcb withSgxComponents(Bytes components) {
    return new PlatformTcb(components, pceSvn, qeSvn, fmspc, tdxModule, tdxSvn);
  }

  public PlatformTcb withPceSvn(int svn) {
    return new PlatformTcb(sgxComponents, svn, qeSvn, fmspc, tdxModule, tdxSvn);
  }

  /** The QE ISVSVN its reports carry; below {@link #QE_SVN_UP_TO_DATE} the default QE identity says OutOfDate. */
  public PlatformTcb withQeSvn(int svn) {
    return new PlatformTcb(sgxComponents, pceSvn, svn, fmspc, tdxModule, tdxSvn);
  }

  public PlatformTcb withFmspc(Bytes newFmspc) {
    return new PlatformTcb(sgxComponents, pceSvn, qeSvn, newFmspc, tdxModule, tdxSvn);
  }

  public PlatformTcb withTdxModule(TdxModule module) {
    return new PlatformTcb(sgxComponents, pceSvn, qeSvn, fmspc, module, tdxSvn);
  }

  /** A TDX module of the given major version and ISV SVN, with the default measurements. */
  public PlatformTcb withTdxModule(int majorVersion, int isvSvn) {
    return withTdxModule(TdxModule.of(majorVersion, isvSvn));
  }

  public PlatformTcb withTdxSvn(int svn) {
    return new PlatformTcb(sgxComponents, pceSvn, qeSvn, fmspc, tdxModule, svn);
  }

  /** The CPUSVN of reports and of the PCK certificate: the simulated CPU reports its component SVNs. */
  public Bytes cpuSvn() {
    return sgxComponents;
  }

  /** The 16-byte TEE_TCB_SVN of TD reports: module ISV SVN, module major version, TDX SVN, zeros. */
  public Bytes teeTcbSvn() {
    byte[] b = new byte[16];
    b[0] = (byte) tdxModule.isvSvn();
    b[1] = (byte) tdxModule.majorVersion();
    b[2] = (byte) tdxSvn;
    return Bytes.wrap(b);
  }

  /** True when the PCK certificate's content (SGX TCB, PCESVN, FMSPC) is the same for both. */
  boolean sameCertifiedTcb(PlatformTcb other) {
    return sgxComponents.equals(other.sgxComponents) && pceSvn == other.pceSvn && fmspc.equals(other.fmspc);
  }

  /**
   * The TDX module of a simulated platform.
   *
   * @param majorVersion TEE_TCB_SVN byte 1; selects the TCB info's {@code TDX_<NN>} module identity when
   *     above 0
   * @param isvSvn TEE_TCB_SVN byte 0, rated by that identity's levels
   * @param mrSeam 48 bytes
   * @param mrSignerSeam 48 bytes; zero for Intel's modules, and by default here
   */
  public record TdxModule(int majorVersion, int isvSvn, Bytes mrSeam, Bytes mrSignerSeam) {
    public static final int DEFAULT_MAJOR_VERSION = 1;
    /** The module ISV SVN the default module identity rates UpToDate. */
    public static final int SVN_UP_TO_DATE = 4;
    public static final Bytes DEFAULT_MR_SEAM = SimValues.labelled("clave-sim/tdx-module/mrseam", 48);
    /** Intel signs its TDX modules with an all-zero MRSIGNERSEAM. */
    public static final Bytes INTEL_MR_SIGNER_SEAM = Bytes.wrap(new byte[48]);
    public static final TdxModule DEFAULT = of(DEFAULT_MAJOR_VERSION, SVN_UP_TO_DATE);

    public TdxModule {
      SimValues.range(majorVersion, 0, 0xff, "TDX module major version");
      SimValues.range(isvSvn, 0, 0xff, "TDX module ISV SVN");
      SimValues.exact(mrSeam, 48, "MRSEAM");
      SimValues.exact(mrSignerSeam, 48, "MRSIGNERSEAM");
    }

    public static TdxModule of(int majorVersion, int isvSvn) {
      return new TdxModule(majorVersion, isvSvn, DEFAULT_MR_SEAM, INTEL_MR_SIGNER_SEAM);
    }
  }
}
