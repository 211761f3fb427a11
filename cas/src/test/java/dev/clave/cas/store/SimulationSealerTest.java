package dev.clave.cas.store;

import static dev.clave.cas.store.StoreFixture.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimulationSealerTest {
  @TempDir Path dir;

  @Test
  void sealsAndUnsealsAcrossInstancesOfTheSameDirectory() throws Exception {
    byte[] sealed = SimulationSealer.open(dir, bytes("node")).seal(bytes("data key"), bytes("aad"));
    assertThat(SimulationSealer.open(dir, bytes("node")).unseal(sealed, bytes("aad"))).isEqualTo(bytes("data key"));
    Path secret = dir.resolve(SimulationSealer.SECRET_FILE);
    assertThat(Files.size(secret)).isEqualTo(32);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(secret))).isEqualTo("rw-------");
  }

  @Test
  void sealingIsRandomized() {
    SimulationSealer sealer = SimulationSealer.open(dir, bytes("node"));
    assertThat(sealer.seal(bytes("x"), bytes("a"))).isNotEqualTo(sealer.seal(bytes("x"), bytes("a")));
  }

  @Test
  void otherAssociatedDataOrChangedBytesFail() {
    SimulationSealer sealer = SimulationSealer.open(dir, bytes("node"));
    byte[] sealed = sealer.seal(bytes("data key"), bytes("aad"));
    assertThatThrownBy(() -> sealer.unseal(sealed, bytes("other"))).isInstanceOf(UnsealException.class)
        .hasMessageContaining("authentication failed");
    for (int i : new int[] {0, 1, 9, 17, sealed.length - 1}) {
      byte[] changed = sealed.clone();
      changed[i] ^= 0x01;
      assertThatThrownBy(() -> sealer.unseal(changed, bytes("aad"))).as("byte " + i).isInstanceOf(UnsealException.class);
    }
    assertThatThrownBy(() -> sealer.unseal(new byte[10], bytes("aad"))).isInstanceOf(UnsealException.class)
        .hasMessageContaining("has 10 bytes");
  }

  @Test
  void otherIdentityOrSecretFailsWithTheReason(@TempDir Path otherDir) {
    byte[] sealed = SimulationSealer.open(dir, bytes("node")).seal(bytes("k"), bytes("a"));
    assertThatThrownBy(() -> SimulationSealer.open(dir, bytes("node2")).unseal(sealed, bytes("a")))
        .isInstanceOf(UnsealException.class).hasMessageContaining("different platform identity");
    assertThatThrownBy(() -> SimulationSealer.open(otherDir, bytes("node")).unseal(sealed, bytes("a")))
        .isInstanceOf(UnsealException.class).hasMessageContaining("different sealing secret");
  }

  @Test
  void refusesDamagedOrExposedSecretFiles() throws Exception {
    SimulationSealer.open(dir, bytes("node"));
    Path secret = dir.resolve(SimulationSealer.SECRET_FILE);
    Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-r-----"));
    assertThatThrownBy(() -> SimulationSealer.open(dir, bytes("node"))).isInstanceOf(StoreException.class)
        .hasMessageContaining("has permissions rw-r-----").hasMessageContaining("0600");
    Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
    Files.write(secret, new byte[31]);
    assertThatThrownBy(() -> SimulationSealer.open(dir, bytes("node"))).isInstanceOf(StoreException.class)
        .hasMessageContaining("has 31 bytes; it must have 32");
  }

  @Test
  void rejectsBadIdentities() {
    assertThatThrownBy(() -> SimulationSealer.open(dir, new byte[0])).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1 to 1024 bytes, got 0");
    assertThatThrownBy(() -> SimulationSealer.open(dir, new byte[1025])).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void toStringRevealsNoKey() {
    assertThat(SimulationSealer.open(dir, bytes("node")).toString()).startsWith("SimulationSealer[").endsWith(".secret]");
  }
}
