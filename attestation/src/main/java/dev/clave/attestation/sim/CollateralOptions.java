package dev.clave.attestation.sim;

import dev.clave.attestation.Bytes;
import dev.clave.attestation.TcbStatus;
import dev.clave.attestation.collateral.IsvTcbLevel;
import dev.clave.attestation.quote.TeeType;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What simulated collateral says: for which platform family (FMSPC) and TEE, which TCB levels, what is
 * revoked, when it was issued and until when it is fresh. The defaults describe an up-to-date world:
 * the platform ladder, the simulated QE at {@link PlatformTcb#QE_SVN_UP_TO_DATE}, the default TDX module,
 * nothing revoked, issued now and fresh for 30 days.
 *
 * <p>Negative cases are options: {@code revokePck}, {@code revokePckCa}, {@code revokeTcbSigningCert},
 * {@code pckCrlNextUpdate} in the past (expired CRL), another {@code fmspc}, {@code qeMrSigner} (QE identity
 * mismatch), {@code tdxModuleMrSigner} or {@code tdxModuleMajorVersion} (TDX module mismatch).
 */
public final class CollateralOptions {
  public static final Duration DEFAULT_VALIDITY = Duration.ofDays(30);
  /** The TCB evaluation data number simulated collateral carries by default. */
  public static final int DEFAULT_TCB_EVALUATION_DATA_NUMBER = 1;
  public static final String QE_ADVISORY = "INTEL-SA-SIMQE";
  public static final String TDX_MODULE_ADVISORY = "INTEL-SA-SIMTDX";

  private final Bytes fmspc;
  private final TeeType teeType;
  private final TcbLevels tcbLevels;
  private final Instant issueDate;
  private final Instant nextUpdate;
  private final int tcbEvaluationDataNumber;
  private final Set<BigInteger> revokedPckSerials;
  private final boolean revokePckCa;
  private final boolean revokeTcbSigningCert;
  private final List<IsvTcbLevel> qeLevels;
  private final Bytes qeMrSigner;
  private final int qeIsvProdId;
  private final int tdxModuleMajorVersion;
  private final Bytes tdxModuleMrSigner;
  private final List<IsvTcbLevel> tdxModuleLevels;
  private final Instant pckCrlNextUpdate;
  private final Instant rootCrlNextUpdate;
  /** The builder's own settings of the derived values, so {@link #toBuilder()} variants re-derive them. */
  private final Instant explicitNextUpdate;
  private final Integer explicitQeIsvProdId;
  private final Instant explicitPckCrlNextUpdate;
  private final Instant explicitRootCrlNextUpdate;

  private CollateralOptions(Builder b) {
    this.explicitNextUpdate = b.nextUpdate;
    this.explicitQeIsvProdId = b.qeIsvProdId;
    this.explicitPckCrlNextUpdate = b.pckCrlNextUpdate;
    this.explicitRootCrlNextUpdate = b.rootCrlNextUpdate;
    this.fmspc = SimValues.exact(b.fmspc, 6, "FMSPC");
    this.teeType = Objects.requireNonNull(b.teeType, "teeType");
    this.tcbLevels = Objects.requireNonNull(b.tcbLevels, "tcbLevels");
    this.issueDate = SimCertificates.seconds(b.issueDate != null ? b.issueDate : Instant.now());
    this.nextUpdate = SimCertificates.seconds(b.nextUpdate != null ? b.nextUpdate : issueDate.plus(DEFAULT_VALIDITY));
    if (!nextUpdate.isAfter(issueDate)) {
      throw new IllegalArgumentException(
          "nextUpdate " + nextUpdate + " must be after issueDate " + issueDate
              + " (for expired collateral, move issueDate back too)");
    }
    this.tcbEvaluationDataNumber = SimValues.range(b.tcbEvaluationDataNumber, 0, Integer.MAX_VALUE, "tcbEvaluationDataNumber");
    this.revokedPckSerials = Set.copyOf(b.revokedPckSerials);
    this.revokePckCa = b.revokePckCa;
    this.revokeTcbSigningCert = b.revokeTcbSigningCert;
    this.qeLevels = isvLevels(b.qeLevels, "QE identity");
    this.qeMrSigner = SimValues.exact(b.qeMrSigner, 32, "QE MRSIGNER");
    this.qeIsvProdId = SimValues.range(
        b.qeIsvProdId != null ? b.qeIsvProdId : SimQuotingEnclave.isvProdId(teeType), 0, 0xffff, "QE ISVPRODID");
    this.tdxModuleMajorVersion = SimValues.range(b.tdxModuleMajorVersion, 0, 0xff, "TDX module major version");
    this.tdxModuleMrSigner = SimValues.exact(b.tdxModuleMrSigner, 48, "TDX module MRSIGNER");
    this.tdxModuleLevels = isvLevels(b.tdxModuleLevels, "TDX module identity");
    this.pckCrlNextUpdate = SimCertificates.seconds(b.pckCrlNextUpdate != null ? b.pckCrlNextUpdate : nextUpdate);
    this.rootCrlNextUpdate = SimCertificates.seconds(b.rootCrlNextUpdate != null ? b.rootCrlNextUpdate : nextUpdate);
  }

  /** QE and TDX module identity levels allow only these statuses (Intel's rule), listed highest ISVSVN first. */
  private static List<IsvTcbLevel> isvLevels(List<IsvTcbLevel> levels, String what) {
    if (levels.isEmpty()) {
      throw new IllegalArgumentException(what + ": at least one TCB level is required");
    }
    Set<Integer> seen = new HashSet<>();
    for (IsvTcbLevel l : levels) {
      SimValues.range(l.isvSvn(), 0, 0xffff, what + " level ISVSVN");
      if (l.status() != TcbStatus.UP_TO_DATE && l.status() != TcbStatus.OUT_OF_DATE && l.status() != TcbStatus.REVOKED) {
        throw new IllegalArgumentException(
            what + ": level ISVSVN " + l.isvSvn() + " has status " + l.status()
                + "; only UpToDate, OutOfDate and Revoked are allowed");
      }
      if (!seen.add(l.isvSvn())) {
        throw new IllegalArgumentException(what + ": two levels for ISVSVN " + l.isvSvn());
      }
    }
    List<IsvTcbLevel> sorted = new ArrayList<>(levels);
    sorted.sort(Comparator.comparingInt(IsvTcbLevel::isvSvn).reversed());
    return List.copyOf(sorted);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** All defaults; issued now. */
  public static CollateralOptions defaults() {
    return builder().build();
  }

  /**
   * A builder holding these options, to derive a variant. The issue date is kept; values that default
   * from others (nextUpdate, CRL nextUpdates, QE ISVPRODID) are re-derived unless they were set.
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.fmspc = fmspc;
    b.teeType = teeType;
    b.tcbLevels = tcbLevels;
    b.issueDate = issueDate;
    b.nextUpdate = explicitNextUpdate;
    b.tcbEvaluationDataNumber = tcbEvaluationDataNumber;
    b.revokedPckSerials.addAll(revokedPckSerials);
    b.revokePckCa = revokePckCa;
    b.revokeTcbSigningCert = revokeTcbSigningCert;
    b.qeLevels = qeLevels;
    b.qeMrSigner = qeMrSigner;
    b.qeIsvProdId = explicitQeIsvProdId;
    b.tdxModuleMajorVersion = tdxModuleMajorVersion;
    b.tdxModuleMrSigner = tdxModuleMrSigner;
    b.tdxModuleLevels = tdxModuleLevels;
    b.pckCrlNextUpdate = explicitPckCrlNextUpdate;
    b.rootCrlNextUpdate = explicitRootCrlNextUpdate;
    return b;
  }

  /**
   * The simulated QE's ladder: ISVSVN 8 and above UpToDate ({@link PlatformTcb#QE_SVN_UP_TO_DATE}), 2..7
   * OutOfDate, 1 Revoked, 0 not supported. The lower levels list {@value #QE_ADVISORY}.
   */
  public static List<IsvTcbLevel> defaultQeLevels() {
    return List.of(
        new IsvTcbLevel(PlatformTcb.QE_SVN_UP_TO_DATE, Instant.parse("2024-01-01T00:00:00Z"), TcbStatus.UP_TO_DATE, List.of()),
        new IsvTcbLevel(2, Instant.parse("2023-01-01T00:00:00Z"), TcbStatus.OUT_OF_DATE, List.of(QE_ADVISORY)),
        new IsvTcbLevel(1, Instant.parse("2022-01-01T00:00:00Z"), TcbStatus.REVOKED, List.of(QE_ADVISORY)));
  }

  /**
   * The default TDX module's ladder: ISV SVN 4 and above UpToDate ({@link PlatformTcb.TdxModule#SVN_UP_TO_DATE}),
   * 2..3 OutOfDate, 1 Revoked, 0 not supported. The lower levels list {@value #TDX_MODULE_ADVISORY}.
   */
  public static List<IsvTcbLevel> defaultTdxModuleLevels() {
    return List.of(
        new IsvTcbLevel(PlatformTcb.TdxModule.SVN_UP_TO_DATE, Instant.parse("2024-01-01T00:00:00Z"), TcbStatus.UP_TO_DATE,
            List.of()),
        new IsvTcbLevel(2, Instant.parse("2023-01-01T00:00:00Z"), TcbStatus.OUT_OF_DATE, List.of(TDX_MODULE_ADVISORY)),
        new IsvTcbLevel(1, Instant.parse("2022-01-01T00:00:00Z"), TcbStatus.REVOKED, List.of(TDX_MODULE_ADVISORY)));
  }

  public Bytes fmspc() {
    return fmspc;
  }

  public TeeType teeType() {
    return teeType;
  }

  public TcbLevels tcbLevels() {
    return tcbLevels;
  }

  /** Issue date of the TCB info and QE identity, thisUpdate of the CRLs (whole seconds). */
  public Instant issueDate() {
    return issueDate;
  }

  /** nextUpdate of the TCB info and QE identity, and by default of the CRLs. */
  public Instant nextUpdate() {
    return nextUpdate;
  }

  public int tcbEvaluationDataNumber() {
    return tcbEvaluationDataNumber;
  }

  public Set<BigInteger> revokedPckSerials() {
    return revokedPckSerials;
  }

  public boolean revokePckCa() {
    return revokePckCa;
  }

  public boolean revokeTcbSigningCert() {
    return revokeTcbSigningCert;
  }

  /** Highest ISVSVN first. */
  public List<IsvTcbLevel> qeLevels() {
    return qeLevels;
  }

  public Bytes qeMrSigner() {
    return qeMrSigner;
  }

  public int qeIsvProdId() {
    return qeIsvProdId;
  }

  public int tdxModuleMajorVersion() {
    return tdxModuleMajorVersion;
  }

  public Bytes tdxModuleMrSigner() {
    return tdxModuleMrSigner;
  }

  /** Highest ISV SVN first. */
  public List<IsvTcbLevel> tdxModuleLevels() {
    return tdxModuleLevels;
  }

  public Instant pckCrlNextUpdate() {
    return pckCrlNextUpdate;
  }

  public Instant rootCrlNextUpdate() {
    return rootCrlNextUpdate;
  }

  public static final class Builder {
    private Bytes fmspc = PlatformTcb.DEFAULT_FMSPC;
    private TeeType teeType = TeeType.SGX;
    private TcbLevels tcbLevels = TcbLevels.platformLadder();
    private Instant issueDate;
    private Instant nextUpdate;
    private int tcbEvaluationDataNumber = DEFAULT_TCB_EVALUATION_DATA_NUMBER;
    private final Set<BigInteger> revokedPckSerials = new LinkedHashSet<>();
    private boolean revokePckCa;
    private boolean revokeTcbSigningCert;
    private List<IsvTcbLevel> qeLevels = defaultQeLevels();
    private Bytes qeMrSigner = SimQuotingEnclave.MR_SIGNER;
    private Integer qeIsvProdId;
    private int tdxModuleMajorVersion = PlatformTcb.TdxModule.DEFAULT_MAJOR_VERSION;
    private Bytes tdxModuleMrSigner = PlatformTcb.TdxModule.INTEL_MR_SIGNER_SEAM;
    private List<IsvTcbLevel> tdxModuleLevels = defaultTdxModuleLevels();
    private Instant pckCrlNextUpdate;
    private Instant rootCrlNextUpdate;

    private Builder() {}

    /** The FMSPC the TCB info is for (default {@link PlatformTcb#DEFAULT_FMSPC}). */
    public Builder fmspc(Bytes v) {
      fmspc = v;
      return this;
    }

    /** 12 hex digits, either case. */
    public Builder fmspc(String hex) {
      try {
        return fmspc(Bytes.fromHex(hex));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("FMSPC must be 12 hex digits, got \"" + hex + "\"");
      }
    }

    /** SGX (TCB info "SGX", QE identity "QE") or TDX ("TDX" with module identities, "TD_QE"). */
    public Builder teeType(TeeType v) {
      teeType = v;
      return this;
    }

    public Builder tcbLevels(TcbLevels v) {
      tcbLevels = v;
      return this;
    }

    /** Default: the time {@link #build()} runs. Truncated to whole seconds, as Intel's dates are. */
    public Builder issueDate(Instant v) {
      issueDate = v;
      return this;
    }

    /** Default: issueDate + 30 days. */
    public Builder nextUpdate(Instant v) {
      nextUpdate = v;
      return this;
    }

    public Builder tcbEvaluationDataNumber(int v) {
      tcbEvaluationDataNumber = v;
      return this;
    }

    /** Lists PCK certificates (by serial) in the PCK CRL. */
    public Builder revokePck(BigInteger... serials) {
      for (BigInteger s : serials) {
        revokedPckSerials.add(Objects.requireNonNull(s, "serial"));
      }
      return this;
    }

    /** Lists these platforms' PCK certificates in the PCK CRL. */
    public Builder revokePck(SimPlatform... platforms) {
      for (SimPlatform p : platforms) {
        revokedPckSerials.add(p.pckCertificateSerial());
      }
      return this;
    }

    /** Lists the PCK Platform CA in the root CA CRL. */
    public Builder revokePckCa() {
      revokePckCa = true;
      return this;
    }

    /** Lists the TCB signing certificate in the root CA CRL. */
    public Builder revokeTcbSigningCert() {
      revokeTcbSigningCert = true;
      return this;
    }

    /** The QE identity's levels (any order; statuses UpToDate, OutOfDate or Revoked). */
    public Builder qeLevels(List<IsvTcbLevel> v) {
      qeLevels = List.copyOf(v);
      return this;
    }

    /** The MRSIGNER the QE identity expects; anything but {@link SimQuotingEnclave#MR_SIGNER} mismatches. */
    public Builder qeMrSigner(Bytes v) {
      qeMrSigner = v;
      return this;
    }

    /** The ISVPRODID the QE identity expects; default 1 for SGX, 2 for TDX. */
    public Builder qeIsvProdId(int v) {
      qeIsvProdId = v;
      return this;
    }

    /** The major version of the TCB info's module identity ({@code TDX_<NN>}); default 1. */
    public Builder tdxModuleMajorVersion(int v) {
      tdxModuleMajorVersion = v;
      return this;
    }

    /** The module MRSIGNER the TCB info expects (48 bytes); default all zero, Intel's. */
    public Builder tdxModuleMrSigner(Bytes v) {
      tdxModuleMrSigner = v;
      return this;
    }

    /** The module identity's levels (any order; statuses UpToDate, OutOfDate or Revoked). */
    public Builder tdxModuleLevels(List<IsvTcbLevel> v) {
      tdxModuleLevels = List.copyOf(v);
      return this;
    }

    /**
     * The PCK CRL's nextUpdate; default nextUpdate. In the past it yields an expired CRL (its thisUpdate
     * then moves back to stay 30 days before it).
     */
    public Builder pckCrlNextUpdate(Instant v) {
      pckCrlNextUpdate = v;
      return this;
    }

    /** The root CA CRL's nextUpdate; default nextUpdate. */
    public Builder rootCrlNextUpdate(Instant v) {
      rootCrlNextUpdate = v;
      return this;
    }

    public CollateralOptions build() {
      return new CollateralOptions(this);
    }
  }
}
