package dev.clave.sgxplugin;

import java.util.Objects;
import java.util.OptionalLong;

/**
 * The EPC size, if known, and where it came from or why it is not known.
 *
 * @param bytes the total over all NUMA nodes; empty when unknown
 * @param detail for a known size its source, else the reason (for the logs)
 */
public record EpcReading(OptionalLong bytes, String detail) {
  public EpcReading {
    Objects.requireNonNull(bytes, "bytes");
    Objects.requireNonNull(detail, "detail");
  }

  static EpcReading known(long bytes, String source) {
    return new EpcReading(OptionalLong.of(bytes), source);
  }

  static EpcReading unknown(String why) {
    return new EpcReading(OptionalLong.empty(), why);
  }
}
