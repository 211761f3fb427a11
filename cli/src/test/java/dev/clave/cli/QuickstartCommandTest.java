package dev.clave.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code clave quickstart} end to end, twice in one directory: real LAS and CAS processes, the demo program
 * under {@code clave run} in its own JVM, the modified copy refused, everything stopped afterwards.
 */
class QuickstartCommandTest {
  @TempDir Path dir;

  @Test
  void showsTheWholeSystemAndReusesItsStateOnTheNextRun() throws Exception {
    Path state = dir.resolve(".clave");
    CliRun first = CliRun.of("quickstart", "--dir", state.toString());
    assertThat(first.exitCode()).as(first.out() + first.err()).isZero();
    assertThat(first.out())
        .contains(" 1. simulation root", "created")
        .contains(" 4. owner", "attested the CAS", "provisioned it with the token from its log")
        .contains(" 5. session", "quickstart created")
        .contains("certificate: subject=CN = demo.quickstart.clave issuer=CN = Clave Quickstart CA")
        .contains("config file: # quickstart configuration, injected by the CAS")
        .contains("argument:    from-the-caller")
        .contains(" 7. clave run demo-modified.sh  refused (exit 77), nothing started")
        .contains("MRENCLAVE_MISMATCH")
        .contains(" 8. stopped");
    // The modified program's own line never ran.
    assertThat(first.out()).doesNotContain("this line was added after the policy was written\n      argument");
    String secretDigest = digest(first.out());

    // What it started, it stopped: the ports it used are free again.
    for (int port : ports(first.out())) {
      try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        assertThat(s.getLocalPort()).isEqualTo(port);
      }
    }
    assertThat(state.resolve("logs/cas.log")).isRegularFile();
    assertThat(Files.readString(state.resolve("logs/cas.log"))).contains("Provisioned configuration quickstart/demo");

    // The next run finds the CAS's default client port taken: it uses another one, and the owner it
    // provisioned on the first run still reaches the CAS there.
    CliRun second;
    ServerSocket taken = null;
    try {
      try {
        taken = new ServerSocket(8081, 1, InetAddress.getLoopbackAddress());
      } catch (java.io.IOException alreadyTaken) {
        // taken by something else: the same situation
      }
      second = CliRun.of("quickstart", "--dir", state.toString());
    } finally {
      if (taken != null) {
        taken.close();
      }
    }
    assertThat(second.exitCode()).as(second.out() + second.err()).isZero();
    assertThat(second.out()).contains("reused").contains("already provisioned").contains("quickstart updated")
        .contains("(port 8081 for the CAS client API is taken; using ");
    assertThat(digest(second.out())).as("the secret survives the update").isEqualTo(secretDigest);
  }

  private static String digest(String out) {
    Matcher m = Pattern.compile("secret:\\s+sha256 ([0-9a-f]{16})").matcher(out);
    assertThat(m.find()).as(out).isTrue();
    return m.group(1);
  }

  private static int[] ports(String out) {
    Matcher m = Pattern.compile("127\\.0\\.0\\.1:(\\d+)").matcher(out);
    return m.results().mapToInt(r -> Integer.parseInt(r.group(1))).distinct().toArray();
  }
}
