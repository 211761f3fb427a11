package dev.clave.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Injected-file paths in arguments and variables point at the private root, and nothing else changes. */
class PathRewriterTest {
  private final PathRewriter r = new PathRewriter(List.of("/etc/app.conf", "/etc/app.conf.d/x", "/k"), "/R");

  @Test
  void pathsStandingAloneAreRewritten() {
    assertThat(r.rewrite("/etc/app.conf")).isEqualTo("/R/etc/app.conf");
    assertThat(r.rewrite("--config=/etc/app.conf")).isEqualTo("--config=/R/etc/app.conf");
    assertThat(r.rewrite("/etc/app.conf:/k")).isEqualTo("/R/etc/app.conf:/R/k");
    assertThat(r.rewrite("a /etc/app.conf.d/x b")).isEqualTo("a /R/etc/app.conf.d/x b");
    assertThat(r.rewrite("{\"f\":\"/k\"}")).isEqualTo("{\"f\":\"/R/k\"}");
  }

  @Test
  void otherTextIsLeftAlone() {
    assertThat(r.rewrite("/etc/app.conf.bak")).isEqualTo("/etc/app.conf.bak");
    assertThat(r.rewrite("/x/etc/app.conf")).isEqualTo("/x/etc/app.conf");
    assertThat(r.rewrite("/etc/app.conf/")).isEqualTo("/etc/app.conf/");
    assertThat(r.rewrite("/kk")).isEqualTo("/kk");
    assertThat(r.rewrite("no paths")).isEqualTo("no paths");
    assertThat(new PathRewriter(List.of(), "/R").rewrite("/etc/app.conf")).isEqualTo("/etc/app.conf");
  }

  @Test
  void rewrittenTextIsNotRewrittenAgain() {
    PathRewriter self = new PathRewriter(List.of("/a"), "/a");
    assertThat(self.rewrite("/a")).isEqualTo("/a/a");
  }
}
