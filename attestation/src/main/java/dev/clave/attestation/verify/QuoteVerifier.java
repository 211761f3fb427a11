package dev.clave.attestation.verify;

import dev.clave.attestation.collateral.CollateralSource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Verifies DCAP quotes following Intel's algorithm, fail-closed. Thread-safe; caches what is per platform
 * (verified PCK chains) and per collateral set (parsed, verified collateral), so a repeat quote from a known
 * platform costs its two ECDSA verifications.
 */
public final class QuoteVerifier {
  private final List<TrustedRoot> roots;
  private final CollateralSource collateralSource;

  private QuoteVerifier(Builder b) {
    this.roots = List.copyOf(b.roots);
    this.collateralSource = Objects.requireNonNull(b.collateralSource, "collateralSource");
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Verifies {@code quote} as of {@code at}; never throws for bad input, the verdict says why. */
  public Verdict verify(byte[] quote, Instant at) {
    throw new UnsupportedOperationException("TODO");
  }

  public static final class Builder {
    private final List<TrustedRoot> roots = new ArrayList<>();
    private CollateralSource collateralSource;

    private Builder() {
      roots.add(TrustedRoot.intel());
    }

    /** Trusts one more root (e.g. a simulation root). Intel's root is always trusted. */
    public Builder trustRoot(TrustedRoot root) {
      roots.add(Objects.requireNonNull(root));
      return this;
    }

    public Builder collateralSource(CollateralSource source) {
      this.collateralSource = source;
      return this;
    }

    public QuoteVerifier build() {
      return new QuoteVerifier(this);
    }
  }
}
