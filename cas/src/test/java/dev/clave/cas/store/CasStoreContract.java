package dev.clave.cas.store;

import static dev.clave.cas.store.StoreFixture.bytes;
import static dev.clave.cas.store.StoreFixture.hash;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.clave.policy.protect.KeyHash;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link CasStore} has, run against each implementation: a subclass says how to open (and
 * reopen) its store on the same state.
 */
abstract class CasStoreContract {
  /** Opens the test's store; called again, opens the same state again (after the previous one was closed). */
  abstract CasStore open();

  @Test
  void blobsRoundTrip() {
    try (CasStore store = open()) {
      assertThat(store.getBlob("cas/identity")).isEmpty();
      store.putBlob("cas/identity", bytes("key material"));
      assertThat(store.getBlob("cas/identity")).hasValueSatisfying(v -> assertThat(v).isEqualTo(bytes("key material")));
      store.putBlob("cas/identity", new byte[0]);
      assertThat(store.getBlob("cas/identity")).hasValueSatisfying(v -> assertThat(v).isEmpty());
      assertThat(store.deleteBlob("cas/identity")).isTrue();
      assertThat(store.deleteBlob("cas/identity")).isFalse();
      assertThat(store.getBlob("cas/identity")).isEmpty();
    }
  }

  @Test
  void returnedArraysAreCopies() {
    try (CasStore store = open()) {
      byte[] value = bytes("abc");
      store.putBlob("b", value);
      value[0] = 'X';
      byte[] read = store.getBlob("b").orElseThrow();
      read[1] = 'Y';
      assertThat(store.getBlob("b")).hasValueSatisfying(v -> assertThat(v).isEqualTo(bytes("abc")));
    }
  }

  @Test
  void provisioningLifecycle() {
    KeyHash owner = KeyHash.ofDigest(new byte[32]);
    var provisioned = new ProvisioningState.Provisioned(owner, bytes("cert"), bytes("[dcap]\nsubscription_key='k'"));
    try (CasStore store = open()) {
      assertThat(store.provisioningState()).isEmpty();
      assertThatThrownBy(() -> store.updateOwner(provisioned)).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("not provisioned");

      var waiting = new ProvisioningState.Unprovisioned(new byte[32]);
      store.setUnprovisioned(waiting);
      assertThat(store.provisioningState()).contains(waiting);

      store.provision(provisioned);
      assertThat(store.provisioningState()).contains(provisioned);
      assertThat(provisioned.toString()).doesNotContain("subscription_key");

      assertThatThrownBy(() -> store.provision(provisioned)).isInstanceOf(AlreadyProvisionedException.class);
      assertThatThrownBy(() -> store.setUnprovisioned(waiting)).isInstanceOf(AlreadyProvisionedException.class);

      var updated = new ProvisioningState.Provisioned(owner, bytes("cert"), bytes("new config"));
      store.updateOwner(updated);
      assertThat(store.provisioningState()).contains(updated);
    }
    try (CasStore store = open()) {
      assertThat(store.provisioningState()).hasValueSatisfying(s -> {
        assertThat(s).isInstanceOf(ProvisioningState.Provisioned.class);
        assertThat(((ProvisioningState.Provisioned) s).ownerConfig()).isEqualTo(bytes("new config"));
        assertThat(((ProvisioningState.Provisioned) s).ownerKeyHash()).isEqualTo(owner);
      });
    }
  }

  @Test
  void sessionsRoundTrip() {
    String h1 = hash("v1");
    String h2 = hash("v2");
    try (CasStore store = open()) {
      assertThat(store.currentSession("app")).isEmpty();
      store.createSession("app", h1, bytes("name: app\n"));
      assertThat(store.currentSession("app")).contains(new StoredSession(h1, bytes("name: app\n")));

      assertThatThrownBy(() -> store.createSession("app", h2, bytes("x")))
          .isInstanceOf(SessionExistsException.class).hasMessageContaining("'app' already exists");

      store.updateSession("app", h1, h2, bytes("name: app\npredecessor: 1\n"));
      assertThat(store.currentSession("app")).contains(new StoredSession(h2, bytes("name: app\npredecessor: 1\n")));
      assertThat(store.sessionVersion("app", h1)).contains(new StoredSession(h1, bytes("name: app\n")));
      assertThat(store.sessionVersion("app", h2)).isPresent();
      assertThat(store.sessionVersion("app", hash("other"))).isEmpty();
      assertThat(store.sessionVersion("other", h1)).isEmpty();

      assertThatThrownBy(() -> store.updateSession("app", h2, h1, bytes("back")))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already has a version with hash " + h1);
      assertThatThrownBy(() -> store.updateSession("nope", h1, h2, bytes("x")))
          .isInstanceOf(NoSuchSessionException.class).hasMessageContaining("'nope' does not exist");
    }
  }

  @Test
  void hashesAreAcceptedInAnyCaseAndReturnedInLowercase() {
    String h = hash("v1");
    try (CasStore store = open()) {
      store.createSession("app", h.toUpperCase(Locale.ROOT), bytes("c"));
      assertThat(store.currentSession("app").orElseThrow().hash()).isEqualTo(h);
      assertThat(store.sessionVersion("app", h.toUpperCase(Locale.ROOT))).isPresent();
      store.updateSession("app", h.toUpperCase(Locale.ROOT), hash("v2"), bytes("d"));
    }
  }

  @Test
  void secretsRoundTripAndFollowTheirSession() {
    String h1 = hash("v1");
    String h2 = hash("v2");
    try (CasStore store = open()) {
      assertThatThrownBy(() -> store.putSecrets("app", bytes("s")))
          .isInstanceOf(NoSuchSessionException.class);
      store.createSession("app", h1, bytes("c1"), bytes("secrets-1"));
      assertThat(store.secrets("app")).hasValueSatisfying(s -> assertThat(s).isEqualTo(bytes("secrets-1")));

      store.updateSession("app", h1, h2, bytes("c2"));
      assertThat(store.secrets("app")).hasValueSatisfying(s -> assertThat(s).isEqualTo(bytes("secrets-1")));

      store.updateSession("app", h2, hash("v3"), bytes("c3"), bytes("secrets-3"));
      assertThat(store.secrets("app")).hasValueSatisfying(s -> assertThat(s).isEqualTo(bytes("secrets-3")));

      store.putSecrets("app", bytes("secrets-4"));
      assertThat(store.secrets("app")).hasValueSatisfying(s -> assertThat(s).isEqualTo(bytes("secrets-4")));
      assertThat(store.secrets("other")).isEmpty();
    }
  }

  @Test
  void deleteRemovesVersionsAndSecrets() {
    try (CasStore store = open()) {
      store.createSession("app", hash("v1"), bytes("c1"), bytes("s"));
      store.updateSession("app", hash("v1"), hash("v2"), bytes("c2"));
      store.createSession("app2", hash("w1"), bytes("other"));
      assertThat(store.deleteSession("app")).isTrue();
      assertThat(store.deleteSession("app")).isFalse();
      assertThat(store.currentSession("app")).isEmpty();
      assertThat(store.sessionVersion("app", hash("v1"))).isEmpty();
      assertThat(store.secrets("app")).isEmpty();
      assertThat(store.currentSession("app2")).isPresent();

      store.createSession("app", hash("v1"), bytes("fresh"));
      assertThat(store.currentSession("app")).contains(new StoredSession(hash("v1"), bytes("fresh")));
      assertThat(store.sessionVersion("app", hash("v2"))).isEmpty();
      assertThat(store.secrets("app")).isEmpty();
    }
  }

  @Test
  void listsSessionsByPrefix() {
    try (CasStore store = open()) {
      for (String name : List.of("org/b", "org/a", "org2", "or", "other/x", "org/a/svc")) {
        store.createSession(name, hash(name), bytes(name));
      }
      assertThat(store.listSessions("org/")).containsExactly("org/a", "org/a/svc", "org/b");
      assertThat(store.listSessions("org")).containsExactly("org/a", "org/a/svc", "org/b", "org2");
      assertThat(store.listSessions("")).containsExactly("or", "org/a", "org/a/svc", "org/b", "org2", "other/x");
      assertThat(store.listSessions("zzz")).isEmpty();
      store.deleteSession("org/a");
      assertThat(store.listSessions("org/")).containsExactly("org/a/svc", "org/b");
    }
  }

  @Test
  void reopenKeepsEverything() {
    KeyHash owner = KeyHash.ofDigest(new byte[32]);
    long version;
    try (CasStore store = open()) {
      store.provision(new ProvisioningState.Provisioned(owner, new byte[0], bytes("config")));
      store.putBlob("audit/head", bytes("h"));
      store.createSession("ns/app", hash("v1"), bytes("c1"), bytes("s1"));
      store.updateSession("ns/app", hash("v1"), hash("v2"), bytes("c2"));
      store.createSession("ns/db", hash("d1"), bytes("d"));
      store.deleteBlob("nothing-there");
      version = store.stateVersion();
    }
    try (CasStore store = open()) {
      assertThat(store.stateVersion()).isEqualTo(version).isEqualTo(5);
      assertThat(store.provisioningState()).contains(new ProvisioningState.Provisioned(owner, new byte[0], bytes("config")));
      assertThat(store.getBlob("audit/head")).hasValueSatisfying(v -> assertThat(v).isEqualTo(bytes("h")));
      assertThat(store.currentSession("ns/app")).contains(new StoredSession(hash("v2"), bytes("c2")));
      assertThat(store.sessionVersion("ns/app", hash("v1"))).contains(new StoredSession(hash("v1"), bytes("c1")));
      assertThat(store.secrets("ns/app")).hasValueSatisfying(s -> assertThat(s).isEqualTo(bytes("s1")));
      assertThat(store.listSessions("ns/")).containsExactly("ns/app", "ns/db");
      store.createSession("ns/new", hash("n"), bytes("n"));
    }
    try (CasStore store = open()) {
      assertThat(store.listSessions("")).containsExactly("ns/app", "ns/db", "ns/new");
    }
  }

  @Test
  void failedAndNoOpWritesDoNotAdvanceTheVersion() {
    try (CasStore store = open()) {
      store.createSession("app", hash("v1"), bytes("c"));
      long v = store.stateVersion();
      assertThatThrownBy(() -> store.createSession("app", hash("v2"), bytes("c")));
      assertThatThrownBy(() -> store.updateSession("app", hash("wrong"), hash("v2"), bytes("c")));
      assertThat(store.deleteSession("absent")).isFalse();
      assertThat(store.stateVersion()).isEqualTo(v);
    }
  }

  @Test
  void rejectsOversizedValuesPrecisely() {
    byte[] tooBig = new byte[CasStore.MAX_VALUE_BYTES + 1];
    try (CasStore store = open()) {
      assertThatThrownBy(() -> store.putBlob("big", tooBig)).isInstanceOfSatisfying(StoreLimitException.class, e -> {
        assertThat(e.size()).isEqualTo(CasStore.MAX_VALUE_BYTES + 1L);
        assertThat(e.limit()).isEqualTo(CasStore.MAX_VALUE_BYTES);
        assertThat(e).hasMessage("blob 'big' is 16777217 bytes; the limit is 16777216 bytes");
      });
      assertThatThrownBy(() -> store.createSession("app", hash("v"), tooBig))
          .isInstanceOf(StoreLimitException.class).hasMessageStartingWith("the content of session 'app' is");
      store.createSession("app", hash("v"), bytes("c"));
      assertThatThrownBy(() -> store.putSecrets("app", tooBig))
          .isInstanceOf(StoreLimitException.class).hasMessageStartingWith("the secrets of session 'app' is");
      assertThat(store.stateVersion()).isEqualTo(1);
    }
  }

  @Test
  void rejectsMalformedNamesAndHashesPrecisely() {
    try (CasStore store = open()) {
      assertThatThrownBy(() -> store.createSession("a".repeat(513), hash("v"), bytes("c")))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("has 513 characters; it must have 1 to 512");
      assertThatThrownBy(() -> store.createSession("", hash("v"), bytes("c")))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("session name '' has 0 characters");
      assertThatThrownBy(() -> store.currentSession("a\nb"))
          .isInstanceOf(IllegalArgumentException.class).hasMessage("session name 'a\\u000ab' has a control character at position 1");
      assertThatThrownBy(() -> store.currentSession("a\uD800"))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unpaired surrogate at position 1");
      assertThatThrownBy(() -> store.createSession("app", "abc", bytes("c")))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("the session hash must be 64 hex characters (a SHA-256 digest), got 3 characters");
      assertThatThrownBy(() -> store.sessionVersion("app", "g" + hash("v").substring(1)))
          .isInstanceOf(IllegalArgumentException.class).hasMessage("the session hash has a non-hex character at position 0");
      assertThatThrownBy(() -> store.putBlob("a b", bytes("c")))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("may contain only letters, digits");
      assertThatThrownBy(() -> store.getBlob("!provisioning")).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> store.putBlob("b", null))
          .isInstanceOf(IllegalArgumentException.class).hasMessage("blob 'b' is missing");
      assertThat(store.stateVersion()).isZero();
    }
  }

  @Test
  void closedStoreRefusesAndCloseIsIdempotent() {
    CasStore store = open();
    store.close();
    store.close();
    assertThatThrownBy(() -> store.getBlob("b")).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    assertThatThrownBy(() -> store.putBlob("b", bytes("v"))).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void toStringsRevealNoValues() {
    try (CasStore store = open()) {
      store.createSession("app", hash("v"), bytes("TOPSECRET"));
      Optional<StoredSession> s = store.currentSession("app");
      assertThat(s.orElseThrow().toString()).doesNotContain("TOPSECRET").contains(hash("v")).contains("9 bytes");
      assertThat(store.toString()).contains("version 1");
    }
  }
}
