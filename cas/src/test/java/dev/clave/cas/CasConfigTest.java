package dev.clave.cas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** cas.toml, then the environment over it. */
class CasConfigTest {
  @TempDir Path dir;

  @Test
  void aFileSetsEverythingAndRelativePathsFollowIt() throws Exception {
    Path f = Files.writeString(dir.resolve("cas.toml"), """
        state_dir = "state"
        host = "127.0.0.1"
        client_port = 9081
        enclave_port = 19765
        tls_names = ["cas.example.com"]

        [verification]
        collateral = "collateral"
        trust_sim_roots = ["sim/root/root_ca.pem"]
        """);
    CasConfig c = CasConfig.fromToml(f);
    assertThat(c.stateDir()).isEqualTo(dir.toAbsolutePath().resolve("state"));
    assertThat(c.host()).isEqualTo("127.0.0.1");
    assertThat(c.clientPort()).isEqualTo(9081);
    assertThat(c.enclavePort()).isEqualTo(19765);
    assertThat(c.tlsNames()).containsExactly("cas.example.com");
    assertThat(c.verification().collateralDir()).isEqualTo(dir.toAbsolutePath().resolve("collateral"));
    assertThat(c.verification().simulationRoots()).containsExactly(dir.toAbsolutePath().resolve("sim/root/root_ca.pem"));

    CasConfig env = c.withEnvironment(Map.of("CLAVE_CAS_CLIENT_PORT", "7000", "CLAVE_CAS_PCS_URL", "https://pccs.local:8081"));
    assertThat(env.clientPort()).isEqualTo(7000);
    assertThat(env.enclavePort()).isEqualTo(19765);
    assertThat(env.verification().pcs()).isEqualTo(URI.create("https://pccs.local:8081"));
    assertThat(env.verification().collateralDir()).isNull();
    assertThat(env.verification().simulationRoots()).hasSize(1);
  }

  @Test
  void mistakesAreNamed() throws Exception {
    assertThatThrownBy(() -> CasConfig.fromToml(Files.writeString(dir.resolve("a.toml"), "clientport = 1\n")))
        .isInstanceOf(IOException.class).hasMessageContaining("unknown key clientport");
    assertThatThrownBy(() -> CasConfig.fromToml(Files.writeString(dir.resolve("b.toml"), "[verification]\npcs_url = \"x\"\n")))
        .hasMessageContaining("unknown key verification.pcs_url");
    assertThatThrownBy(() -> CasConfig.fromToml(Files.writeString(dir.resolve("c.toml"), "client_port = \"x\"\n")))
        .hasMessageContaining("client_port must be a port number");
    assertThatThrownBy(() -> CasConfig.fromToml(Files.writeString(dir.resolve("d.toml"), "client_port = 70000\n")))
        .hasMessageContaining("client port must be 0..65535");
    assertThatThrownBy(() -> CasConfig.fromToml(Files.writeString(dir.resolve("e.toml"),
        "[verification]\ncollateral = \"c\"\npcs = \"https://x\"\n")))
        .hasMessageContaining("not both");
    assertThatThrownBy(() -> CasConfig.fromToml(Files.writeString(dir.resolve("f.toml"), "host = [\n")))
        .hasMessageContaining("is not TOML");
    assertThat(CasConfig.fromEnvironment(Map.of()).tlsNames()).isEqualTo(List.of());
  }

  @Test
  void theStoreIsSqliteByDefaultAndPostgresFromTheFileOrTheEnvironment() throws Exception {
    assertThat(CasConfig.fromEnvironment(Map.of()).store()).isEqualTo(CasConfig.Store.SQLITE);
    Path f = Files.writeString(dir.resolve("pg.toml"), """
        [store]
        kind = "postgres"
        url = "jdbc:postgresql://db.local:5432/clave"
        user = "clave"
        key_dir = "shared-key"
        """);
    CasConfig c = CasConfig.fromToml(f);
    assertThat(c.store().kind()).isEqualTo(CasConfig.Store.Kind.POSTGRES);
    assertThat(c.store().url()).isEqualTo("jdbc:postgresql://db.local:5432/clave");
    assertThat(c.store().keyDir()).isEqualTo(dir.toAbsolutePath().resolve("shared-key"));
    assertThat(c.store().password()).isNull();

    CasConfig env = c.withEnvironment(Map.of("CLAVE_CAS_DB_PASSWORD", "pw-4711", "CLAVE_CAS_DB_USER", "replica"));
    assertThat(env.store().password()).isEqualTo("pw-4711");
    assertThat(env.store().user()).isEqualTo("replica");
    assertThat(env.store().url()).isEqualTo(c.store().url());
    assertThat(env.toString()).doesNotContain("pw-4711").contains("password set");

    CasConfig fromEnv = CasConfig.fromEnvironment(Map.of("CLAVE_CAS_STORE", "postgres", "CLAVE_CAS_DB_URL",
        "jdbc:postgresql://10.0.0.1/cas?sslmode=verify-full&password=inline", "CLAVE_CAS_STORE_KEY_DIR", "/keys"));
    assertThat(fromEnv.store().kind()).isEqualTo(CasConfig.Store.Kind.POSTGRES);
    assertThat(fromEnv.store().keyDir()).isEqualTo(Path.of("/keys"));
    assertThat(fromEnv.toString()).doesNotContain("inline");
    // Every other setting survives a change of the store, and the store every other change.
    assertThat(fromEnv.withPorts(1, 2).withHost("h").withStateDir(dir).store()).isEqualTo(fromEnv.store());
  }

  @Test
  void storeMistakesAreNamed() throws Exception {
    assertThatThrownBy(() -> CasConfig.fromToml(Files.writeString(dir.resolve("p.toml"),
        "[store]\nkind = \"postgres\"\nurl = \"jdbc:postgresql://h/db\"\npassword = \"x\"\n")))
        .isInstanceOf(IOException.class).hasMessageContaining("set CLAVE_CAS_DB_PASSWORD");
    assertThatThrownBy(() -> CasConfig.fromToml(Files.writeString(dir.resolve("k.toml"), "[store]\nkind = \"mysql\"\n")))
        .hasMessageContaining("store.kind must be sqlite or postgres, not 'mysql'");
    assertThatThrownBy(() -> CasConfig.fromToml(Files.writeString(dir.resolve("u.toml"), "[store]\nkind = \"postgres\"\n")))
        .hasMessageContaining("needs a database URL");
    assertThatThrownBy(() -> CasConfig.fromToml(Files.writeString(dir.resolve("x.toml"), "[store]\nurI = \"x\"\n")))
        .hasMessageContaining("unknown key store.urI");
    assertThatThrownBy(() -> CasConfig.fromEnvironment(Map.of("CLAVE_CAS_STORE", "oracle")))
        .hasMessageContaining("CLAVE_CAS_STORE must be sqlite or postgres");
  }

  @Test
  void snapshotsFromTheFileTheEnvironmentAndTheOriginalsDurations() throws Exception {
    assertThat(CasConfig.fromEnvironment(Map.of()).snapshots().enabled()).isFalse();
    Path f = Files.writeString(dir.resolve("snap.toml"), """
        [snapshots]
        directory = "snaps"
        interval = "24h0m0s"
        keep = 4
        restore_from = "/mnt/old"
        """);
    CasConfig c = CasConfig.fromToml(f);
    assertThat(c.snapshots().directory()).isEqualTo(dir.resolve("snaps"));
    assertThat(c.snapshots().interval()).isEqualTo(java.time.Duration.ofHours(24));
    assertThat(c.snapshots().keep()).isEqualTo(4);
    assertThat(c.snapshots().restoreFrom()).isEqualTo(Path.of("/mnt/old"));
    CasConfig e = c.withEnvironment(Map.of("CLAVE_CAS_SNAPSHOT_DIR", "/var/snaps", "CLAVE_CAS_SNAPSHOT_INTERVAL", "5m"));
    assertThat(e.snapshots().directory()).isEqualTo(Path.of("/var/snaps"));
    assertThat(e.snapshots().interval()).isEqualTo(java.time.Duration.ofMinutes(5));
    assertThat(CasConfig.Snapshots.parseInterval("90s", "x")).isEqualTo(java.time.Duration.ofSeconds(90));
    assertThat(CasConfig.Snapshots.parseInterval("PT2H", "x")).isEqualTo(java.time.Duration.ofHours(2));
    assertThatThrownBy(() -> CasConfig.Snapshots.parseInterval("soon", "snapshots.interval"))
        .hasMessageContaining("snapshots.interval must be a duration like 60s");
    assertThatThrownBy(() -> CasConfig.fromToml(Files.writeString(dir.resolve("s.toml"), "[snapshots]\ninterval = \"0s\"\n")))
        .hasMessageContaining("at least 1s");
    assertThatThrownBy(() -> CasConfig.fromToml(Files.writeString(dir.resolve("t.toml"), "[snapshots]\ndir = \"x\"\n")))
        .hasMessageContaining("unknown key snapshots.dir");
    assertThatThrownBy(() -> CasConfig.fromToml(Files.writeString(dir.resolve("u.toml"),
        "[store]\nkind = \"postgres\"\nurl = \"jdbc:postgresql://h/db\"\n[snapshots]\ndirectory = \"x\"\n")))
        .hasMessageContaining("backed up with PostgreSQL's own tools");
  }
}
