package dev.clave.cas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.clave.cas.client.CasClient;
import dev.clave.cas.client.ClientIdentity;
import dev.clave.cas.store.SqliteCasStore;
import dev.clave.cas.store.StoreException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A CAS keeps its owner and sessions across restarts, and refuses to start on forged or rolled-back state. */
class CasRestartTest {
  @TempDir Path state;
  private final ClientIdentity me = ClientIdentity.generate();

  private CasServer start() throws Exception {
    return CasServer.start(CasConfig.fromEnvironment(Map.of()).withStateDir(state).withHost("127.0.0.1").withPorts(0, 0));
  }

  private CasClient client(CasServer cas) {
    return CasClient.connect("127.0.0.1:" + cas.clientPort(), cas.identity().keyHash(), me);
  }

  private static String policy(String name, String command) {
    return "name: " + name + "\nversion: \"0.3\"\nsecurity: {attestation: {mode: none}}\n"
        + "services: [{name: app, command: " + command + ", pwd: /}]\n";
  }

  private void provisionAndCreate(CasServer cas, String session) throws Exception {
    HttpResponse<String> p = client(cas).post("/v1/provision", "application/json",
        "{\"token\":\"" + cas.provisioningToken().orElseThrow() + "\",\"ownerConfig\":\"\"}");
    assertThat(p.statusCode()).as(p.body()).isEqualTo(201);
    assertThat(client(cas).post("/session", "application/yaml", policy(session, "./v1")).statusCode()).isEqualTo(201);
  }

  @Test
  void aRestartKeepsTheOwnerAndTheSessions() throws Exception {
    try (CasServer cas = start()) {
      provisionAndCreate(cas, "kept");
    }
    try (CasServer cas = start()) {
      assertThat(cas.provisioningToken()).isEmpty();
      HttpResponse<String> read = client(cas).get("/v1/sessions/kept");
      assertThat(read.statusCode()).isEqualTo(200);
      assertThat(read.body()).contains("./v1");
    }
  }

  @Test
  void aFlippedByteInTheDatabaseStopsTheCasFromStarting() throws Exception {
    try (CasServer cas = start()) {
      provisionAndCreate(cas, "victim");
    }
    flipSessionCiphertextBit(state, 0);
    assertThatThrownBy(this::start).isInstanceOf(StoreException.class);
  }

  @Test
  void tamperingWhileRunningIsRefusedWithoutLeakingDetails() throws Exception {
    try (CasServer cas = start()) {
      provisionAndCreate(cas, "live");
      flipSessionCiphertextBit(state, 0);
      HttpResponse<String> read = client(cas).get("/v1/sessions/live");
      assertThat(read.statusCode()).isEqualTo(500);
      assertThat(read.body()).isEqualTo("{\"error\":\"internal error in the CAS; its log says more\"}");
    }
  }

  @Test
  void anOlderCopyOfTheDatabaseIsCaughtAsARollback() throws Exception {
    Path copy = state.resolveSibling(state.getFileName() + "-old");
    try (CasServer cas = start()) {
      provisionAndCreate(cas, "first");
    }
    Files.createDirectories(copy);
    for (String f : new String[] {SqliteCasStore.DATABASE_FILE}) {
      Files.copy(state.resolve(f), copy.resolve(f), StandardCopyOption.REPLACE_EXISTING);
    }
    try (CasServer cas = start()) {
      assertThat(client(cas).post("/session", "application/yaml", policy("second", "./v2")).statusCode()).isEqualTo(201);
    }
    Files.copy(copy.resolve(SqliteCasStore.DATABASE_FILE), state.resolve(SqliteCasStore.DATABASE_FILE), StandardCopyOption.REPLACE_EXISTING);
    Files.deleteIfExists(state.resolve(SqliteCasStore.DATABASE_FILE + "-wal"));
    Files.deleteIfExists(state.resolve(SqliteCasStore.DATABASE_FILE + "-shm"));
    assertThatThrownBy(this::start).isInstanceOf(StoreException.class).hasMessageContaining("roll");
  }

  /** Flips one bit of a session version's ciphertext, as a disk error or an attacker with file access would. */
  private static void flipSessionCiphertextBit(Path state, int index) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + state.resolve(SqliteCasStore.DATABASE_FILE))) {
      long rowid;
      byte[] ct;
      try (var rs = c.createStatement().executeQuery("SELECT rowid, ct FROM session_versions LIMIT 1")) {
        assertThat(rs.next()).isTrue();
        rowid = rs.getLong(1);
        ct = rs.getBytes(2);
      }
      ct[index] ^= 1;
      try (var up = c.prepareStatement("UPDATE session_versions SET ct = ? WHERE rowid = ?")) {
        up.setBytes(1, ct);
        up.setLong(2, rowid);
        assertThat(up.executeUpdate()).isEqualTo(1);
      }
    }
  }
}
