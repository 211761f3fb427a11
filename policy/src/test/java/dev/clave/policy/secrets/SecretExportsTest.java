package dev.clave.policy.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clave.policy.secrets.SecretExports.Decision;
import org.junit.jupiter.api.Test;

class SecretExportsTest {
  private static final String HASH = "055f5b05aa11bb22cc33dd44ee55ff660011223344556677889900aabbccdd7a";

  @Test
  void notExportedIsRefused() {
    Decision d = SecretExports.check("owner", Specs.ascii("db_key"), "client", HASH);
    assertThat(d.allowed()).isFalse();
    assertThat(d.reason()).isEqualTo("secret 'db_key' of session 'owner' is not exported");
  }

  @Test
  void bySessionName() {
    SecretSpec secret = Specs.of("db_key", SecretKind.ASCII).exportTo("client_a", null).build();
    assertThat(SecretExports.check("owner", secret, "client_a", null).allowed()).isTrue();
    assertThat(SecretExports.check("owner", secret, "client_a", HASH).reason())
        .isEqualTo("secret 'db_key' of session 'owner' is exported to session 'client_a'");
    Decision other = SecretExports.check("owner", secret, "client_ab", HASH);
    assertThat(other.allowed()).isFalse();
    assertThat(other.reason())
        .isEqualTo("secret 'db_key' of session 'owner' is exported only to session: client_a; session 'client_ab' is not among them");
    assertThat(SecretExports.check("owner", secret, "Client_A", HASH).allowed()).isFalse();
  }

  @Test
  void byPinnedHashCaseInsensitively() {
    SecretSpec secret = Specs.of("db_key", SecretKind.ASCII).exportTo("client_b", HASH).build();
    assertThat(SecretExports.check("owner", secret, "client_b", HASH).allowed()).isTrue();
    assertThat(SecretExports.check("owner", secret, "client_b", HASH.toUpperCase()).allowed()).isTrue();
    Decision wrong = SecretExports.check("owner", secret, "client_b", HASH.replace('7', '8'));
    assertThat(wrong.allowed()).isFalse();
    assertThat(wrong.reason())
        .isEqualTo(
            "secret 'db_key' of session 'owner' is exported with {session: client_b, session_hash: " + HASH
                + "}, but session 'client_b' has a different hash");
    assertThat(SecretExports.check("owner", secret, "client_b", null).reason()).endsWith("' has no known hash");
    assertThat(SecretExports.check("owner", secret, "client_b", "zz" + HASH.substring(2)).allowed()).isFalse();
    assertThat(SecretExports.check("owner", secret, "client_b", HASH.substring(2)).allowed()).isFalse();
  }

  @Test
  void aLaterRuleCanAllowWhatAPinnedRuleRefuses() {
    SecretSpec secret =
        Specs.of("k", SecretKind.ASCII).exportTo("client", HASH).exportToNamespace("clients").build();
    assertThat(SecretExports.check("owner", secret, "client", HASH.replace('7', '8')).allowed()).isFalse();
    assertThat(SecretExports.check("owner", secret, "clients/x", null).allowed()).isTrue();
  }

  @Test
  void byNamespace() {
    SecretSpec secret = Specs.of("k", SecretKind.ASCII).exportToNamespace("relying_party").build();
    Decision nested = SecretExports.check("owner", secret, "relying_party/svc", null);
    assertThat(nested.allowed()).isTrue();
    assertThat(nested.reason())
        .isEqualTo("secret 'k' of session 'owner' is exported to namespace 'relying_party', which contains session 'relying_party/svc'");
    assertThat(SecretExports.check("owner", secret, "relying_party/a/b", null).allowed()).isTrue();
    // The namespace session itself is not nested in itself, and a shared prefix is not a namespace.
    assertThat(SecretExports.check("owner", secret, "relying_party", null).allowed()).isFalse();
    assertThat(SecretExports.check("owner", secret, "relying_party2/svc", null).allowed()).isFalse();
    assertThat(SecretExports.check("owner", secret, "relying_party/", null).allowed()).isFalse();
    assertThat(SecretExports.check("owner", secret, "other/relying_party/svc", null).allowed()).isFalse();
  }

  @Test
  void rootNamespaceContainsEverySessionButItself() {
    SecretSpec secret = Specs.of("k", SecretKind.ASCII).exportToNamespace("/").build();
    assertThat(SecretExports.check("owner", secret, "anyone", null).allowed()).isTrue();
    assertThat(SecretExports.check("owner", secret, "a/b", null).allowed()).isTrue();
    assertThat(SecretExports.check("owner", secret, "/", null).allowed()).isFalse();
  }

  @Test
  void sameHashIsHexAwareAndStrict() {
    assertThat(SecretExports.sameHash(HASH, HASH.toUpperCase())).isTrue();
    assertThat(SecretExports.sameHash(HASH, HASH + "00")).isFalse();
    assertThat(SecretExports.sameHash("g" + HASH.substring(1), "g" + HASH.substring(1))).isFalse();
  }
}
