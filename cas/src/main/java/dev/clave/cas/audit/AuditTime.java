package dev.clave.cas.audit;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoUnit;
import java.util.regex.Pattern;

/**
 * The one spelling of a time in audit data: RFC 3339 in UTC with exactly three fraction digits, {@code
 * 2026-03-01T12:00:00.000Z}. Times are kept to the millisecond, years 1970 to 9999.
 */
final class AuditTime {
  private AuditTime() {}

  private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
      .withZone(ZoneOffset.UTC)
      .withResolverStyle(ResolverStyle.STRICT);
  private static final Pattern SHAPE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z");
  private static final Instant MIN = Instant.EPOCH;
  private static final Instant MAX = Instant.parse("9999-12-31T23:59:59.999Z");

  /** The time truncated to milliseconds, checked to be in range. */
  static Instant normalize(Instant t, String what) {
    Instant ms = t.truncatedTo(ChronoUnit.MILLIS);
    if (ms.isBefore(MIN) || ms.isAfter(MAX)) {
      throw new AuditFormatException(what + ": must be between 1970 and 9999");
    }
    return ms;
  }

  static String format(Instant t) {
    return FORMAT.format(t);
  }

  static Instant parse(String text, String what) {
    if (!SHAPE.matcher(text).matches()) {
      throw new AuditFormatException(what + ": must be a UTC time like 2026-03-01T12:00:00.000Z");
    }
    try {
      return FORMAT.parse(text, Instant::from);
    } catch (DateTimeParseException e) {
      throw new AuditFormatException(what + ": not a valid date and time");
    }
  }
}
