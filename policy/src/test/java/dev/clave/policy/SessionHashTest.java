package dev.clave.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The session hash is stable across re-parsing and writing style, and changes with any semantic change. */
class SessionHashTest {
  private static final String M1 = "9d1b3c2a0f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a392817060504";
  private static final String M2 = "1f3e5d7c9b2a4f6e8d0c2b4a6f8e0d2c4b6a8f0e2d4c6b8a0f2e4d6c8b0a2f4e";

  private static final String BASE = """
      name: app
      version: "0.3"
      security:
        attestation:
          tolerate: [debug-mode, outdated-tcb]
          ignore_advisories: [INTEL-SA-00615, INTEL-SA-00657]
      services:
        - name: web
          mrenclaves: [%s]
          command: ./web --port 8443
          environment:
            A: "1"
            B: two
          pwd: /
      secrets:
        - name: pw
          kind: ascii
          size: 24
      """.formatted(M1);

  private static String hash(String text) throws PolicyException {
    return PolicyParser.parse(text, "p.yaml").hash();
  }

  @Test
  void reparsingGivesTheSameHash() throws Exception {
    assertThat(hash(BASE)).isEqualTo(hash(BASE)).matches("[0-9a-f]{64}");
  }

  @Test
  void keyOrderQuotingFlowStyleCommentsAndHexCaseDoNotChangeTheHash() throws Exception {
    String restyled = """
        # the same policy, written differently
        services:
          - pwd: '/'
            environment: {B: "two", A: 1}
            command: "./web --port 8443"
            mrenclaves:
              - %s
            name: "web"
        version: "0.3"
        secrets: [{kind: ascii, size: 24, name: pw}]
        name: 'app'
        security: {attestation: {ignore_advisories: [INTEL-SA-00657, INTEL-SA-00615], tolerate: [outdated-tcb, debug-mode]}}
        """.formatted(M1.toUpperCase());
    assertThat(hash(restyled)).isEqualTo(hash(BASE));
  }

  @Test
  void defaultsWrittenOutOrLeftImplicitGiveTheSameHash() throws Exception {
    String explicit = BASE.replace("  attestation:\n", "  attestation:\n    mode: hardware\n")
        + "access_policy: {read: [CREATOR], update: [CREATOR]}\n";
    assertThat(hash(explicit)).isEqualTo(hash(BASE));
  }

  @Test
  void everySemanticChangeChangesTheHash() throws Exception {
    String base = hash(BASE);
    List<String> changed = List.of(
        BASE.replace("name: app", "name: app2"),
        BASE.replace("\"0.3\"", "\"0.3.1\""),
        BASE.replace(M1, M2),
        BASE.replace("8443", "8444"),
        BASE.replace("B: two", "B: three"),
        BASE.replace("A: \"1\"", "C: \"1\""),
        BASE.replace("pwd: /", "pwd: /srv"),
        BASE.replace("size: 24", "size: 25"),
        BASE.replace("kind: ascii\n    size: 24", "kind: binary\n    size: 24"),
        BASE.replace("debug-mode, outdated-tcb", "debug-mode"),
        BASE.replace("INTEL-SA-00615, ", ""),
        BASE + "predecessor: " + "ab".repeat(32) + "\n",
        BASE + "access_policy: {read: [ANY]}\n",
        BASE.replace("  - name: web", "  - name: web2"),
        BASE.replace("command: ./web --port 8443", "command: [./web, --port, \"8443\"]"));
    for (String c : changed) {
      assertThat(hash(c)).as(c).isNotEqualTo(base);
    }
  }

  @Test
  void theCreatorIsPartOfTheHash() throws Exception {
    Session s = PolicyParser.parse(BASE, "p.yaml");
    assertThat(s.withCreator("creator-a").hash()).isNotEqualTo(s.hash()).isNotEqualTo(s.withCreator("creator-b").hash());
  }

  @Test
  void theCanonicalFormStartsWithItsDomainAndIsWhatIsHashed() throws Exception {
    Session s = PolicyParser.parse(BASE, "p.yaml");
    byte[] form = SessionHash.canonicalForm(s);
    assertThat(new String(form, java.nio.charset.StandardCharsets.UTF_8)).startsWith("clave-session-v1\n{");
    assertThat(java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(form)))
        .isEqualTo(s.hash());
  }

  @Test
  void corpusHashesAreDistinct() throws Exception {
    java.util.Set<String> hashes = new java.util.HashSet<>();
    for (java.nio.file.Path p : PolicyCorpusTest.valid().toList()) {
      hashes.add(PolicyParser.parse(Files.readString(p), p.toString()).hash());
    }
    assertThat(hashes).hasSize((int) PolicyCorpusTest.valid().count());
  }
}
