package dev.clave.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.clave.policy.decision.Tolerance;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Config-fragments stand in for whole sections and list items, from the session itself or imported. */
class FragmentTest {
  private static final String IMPORTING = """
      name: tenant/app
      version: "0.3.10"
      security: $$SCONE::owner_security$$
      services:
        - name: app
          command: ./app
          pwd: /
          mrenclaves: [abababababababababababababababababababababababababababababababab]
      secrets:
        - name: owner_security
          kind: config-fragment
          import: {session: cas-owner, secret: security_policy}
      """;

  @Test
  void anImportedFragmentComesFromTheResolverAndIsValidatedLikeTheSection() throws Exception {
    FragmentResolver owner = (importer, from) -> importer.equals("tenant/app") && from.session().equals("cas-owner") && from.secret().equals("security_policy")
        ? Optional.of("{\"attestation\":{\"ignore_advisories\":\"*\",\"tolerate\":[\"debug-mode\",\"outdated-tcb\"]}}")
        : Optional.empty();
    Session s = PolicyParser.parse(IMPORTING, "app.yaml", owner);
    assertThat(s.security().tolerate()).containsExactlyInAnyOrder(Tolerance.DEBUG_MODE, Tolerance.OUTDATED_TCB);
    assertThat(s.security().ignoreAdvisories().all()).isTrue();

    FragmentResolver strict = (importer, from) -> Optional.of("{\"attestation\":{\"ignore_advisories\":\"*\"}}");
    PolicyException e = catchThrowableOfType(PolicyException.class, () -> PolicyParser.parse(IMPORTING, "app.yaml", strict));
    assertThat(e.problems()).singleElement().satisfies(p -> {
      assertThat(p.file()).isEqualTo("app.yaml (fragment owner_security from cas-owner)");
      assertThat(p.message()).startsWith("ignore_advisories: \"*\" is allowed only when debug-mode is tolerated");
    });
  }

  @Test
  void aLocalFragmentListIsSplicedIntoPlatforms() throws Exception {
    Session s = PolicyParser.parse(
        java.nio.file.Files.readString(PolicyCorpusTest.ROOT.resolve("valid/local-fragments.yaml")), "f.yaml");
    assertThat(s.service("app").platforms()).containsExactly(
        "INTEL_QE_ID:85ffc69266c833546e5dca1c676a6151",
        "3c45c8294d491808aa9b2a6bca01b8e185ffc69266c833546e5dca1c676a6151",
        "2c45c8294d491808aa9b2a6bca01b8e185ffc69266c833546e5dca1c676a6151");
    assertThat(s.service("app").attestation()).hasSize(2);
    assertThat(s.service("app").attestation().get(1).signer().isvsvnMin()).isEqualTo(2);
  }
}
