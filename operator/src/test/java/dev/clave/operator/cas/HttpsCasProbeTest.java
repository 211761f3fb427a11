package dev.clave.operator.cas;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clave.policy.protect.KeyHash;
import org.junit.jupiter.api.Test;

/** What the operator reads from {@code GET /v1/cas}. */
class HttpsCasProbeTest {
  private static final String KEY = KeyHash.ofDigest(new byte[32]).toString();

  @Test
  void snapshotsAreReadWhenTheCasReportsThem() throws Exception {
    CasProbe.CasInfo info = HttpsCasProbe.parse("{\"keyHash\":\"" + KEY + "\",\"provisioned\":true,"
        + "\"snapshots\":{\"status\":\"Persisted\",\"timestamp\":\"2026-11-23T17:00:00Z\",\"interval\":\"60s\"}}");
    assertThat(info.provisioned()).isTrue();
    assertThat(info.snapshots()).contains(new CasProbe.Snapshots("Persisted", "2026-11-23T17:00:00Z", "60s", null));
  }

  @Test
  void aFailureCarriesItsMessage() throws Exception {
    CasProbe.CasInfo info = HttpsCasProbe.parse("{\"keyHash\":\"" + KEY + "\",\"provisioned\":true,"
        + "\"snapshots\":{\"status\":\"Failed\",\"interval\":\"60s\",\"error\":\"disk full\"}}");
    assertThat(info.snapshots()).hasValueSatisfying(s -> {
      assertThat(s.failed()).isTrue();
      assertThat(s.timestamp()).as("no snapshot yet").isNull();
      assertThat(s.error()).isEqualTo("disk full");
    });
  }

  @Test
  void aCasWithoutSnapshotsReportsNone() throws Exception {
    assertThat(HttpsCasProbe.parse("{\"keyHash\":\"" + KEY + "\",\"provisioned\":false}").snapshots()).isEmpty();
    assertThat(HttpsCasProbe.parse("{\"keyHash\":\"" + KEY + "\",\"snapshots\":null}").snapshots()).isEmpty();
  }
}
