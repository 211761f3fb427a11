package dev.clave.cas.store;

import static dev.clave.cas.store.StoreFixture.bytes;
import static dev.clave.cas.store.StoreFixture.hash;
import static org.assertj.core.api.Assertions.assertThat;

import dev.clave.policy.protect.KeyHash;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Concurrent use of one store: compare-and-set races, exactly-once creation and provisioning, reads during writes. */
abstract class StoreConcurrencyContract {
  private static final int THREADS = 8;

  /** Opens the test's store. */
  abstract CasStore open();

  @Test
  void compareAndSetRaceHasExactlyOneWinner() throws Exception {
    try (CasStore store = open(); ExecutorService pool = Executors.newFixedThreadPool(THREADS)) {
      String base = hash("base");
      store.createSession("app", base, bytes("v0"));
      CountDownLatch start = new CountDownLatch(1);
      List<Future<String>> results = new ArrayList<>();
      for (int i = 0; i < THREADS; i++) {
        String mine = hash("candidate-" + i);
        results.add(pool.submit(() -> {
          start.await();
          try {
            store.updateSession("app", base, mine, bytes(mine));
            return "won " + mine;
          } catch (StaleSessionException e) {
            assertThat(e.expectedHash()).isEqualTo(base);
            assertThat(e.getMessage()).contains(e.currentHash());
            return "lost to " + e.currentHash();
          }
        }));
      }
      start.countDown();
      List<String> outcomes = new ArrayList<>();
      for (Future<String> f : results) {
        outcomes.add(f.get());
      }
      List<String> winners = outcomes.stream().filter(o -> o.startsWith("won ")).toList();
      assertThat(winners).hasSize(1);
      String winner = winners.get(0).substring(4);
      assertThat(outcomes).filteredOn(o -> o.startsWith("lost to ")).hasSize(THREADS - 1)
          .allSatisfy(o -> assertThat(o).isEqualTo("lost to " + winner));
      assertThat(store.currentSession("app").orElseThrow().hash()).isEqualTo(winner);
      assertThat(store.currentSession("app").orElseThrow().content()).isEqualTo(bytes(winner));
      assertThat(store.stateVersion()).isEqualTo(2);
    }
  }

  @Test
  void createAndProvisionRacesHaveExactlyOneWinner() throws Exception {
    try (CasStore store = open(); ExecutorService pool = Executors.newFixedThreadPool(THREADS)) {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Boolean>> creates = new ArrayList<>();
      List<Future<Boolean>> provisions = new ArrayList<>();
      for (int i = 0; i < THREADS; i++) {
        int n = i;
        creates.add(pool.submit(outcome(start, SessionExistsException.class,
            () -> store.createSession("app", hash("c" + n), bytes("c" + n)))));
        provisions.add(pool.submit(outcome(start, AlreadyProvisionedException.class,
            () -> store.provision(new ProvisioningState.Provisioned(KeyHash.ofDigest(new byte[32]), new byte[0],
                bytes("owner " + n))))));
      }
      start.countDown();
      assertThat(wins(creates)).isEqualTo(1);
      assertThat(wins(provisions)).isEqualTo(1);
    }
  }

  /** Reads running while a writer updates the same rows never see a false integrity failure. */
  @Test
  void readsDuringWritesSeeConsistentState() throws Exception {
    try (CasStore store = open(); ExecutorService pool = Executors.newFixedThreadPool(4)) {
      store.createSession("app", hash("0"), bytes("0"), bytes("s0"));
      store.putBlob("b", bytes("0"));
      AtomicBoolean done = new AtomicBoolean();
      List<Future<Integer>> readers = new ArrayList<>();
      for (int r = 0; r < 3; r++) {
        readers.add(pool.submit(() -> {
          int reads = 0;
          while (!done.get()) {
            StoredSession s = store.currentSession("app").orElseThrow();
            assertThat(s.hash()).isEqualTo(hash(new String(s.content())));
            assertThat(store.getBlob("b")).isPresent();
            assertThat(store.secrets("app")).isPresent();
            reads++;
          }
          return reads;
        }));
      }
      for (int i = 1; i <= 40; i++) {
        store.updateSession("app", hash(String.valueOf(i - 1)), hash(String.valueOf(i)), bytes(String.valueOf(i)),
            bytes("s" + i));
        store.putBlob("b", bytes(String.valueOf(i)));
      }
      done.set(true);
      for (Future<Integer> f : readers) {
        assertThat(f.get()).isPositive();
      }
      assertThat(store.currentSession("app").orElseThrow().content()).isEqualTo(bytes("40"));
    }
  }

  private static Callable<Boolean> outcome(CountDownLatch start, Class<? extends Exception> loss, Runnable op) {
    return () -> {
      start.await();
      try {
        op.run();
        return true;
      } catch (Exception e) {
        if (loss.isInstance(e)) {
          return false;
        }
        throw e;
      }
    };
  }

  private static long wins(List<Future<Boolean>> futures) throws Exception {
    long wins = 0;
    for (Future<Boolean> f : futures) {
      if (f.get()) {
        wins++;
      }
    }
    return wins;
  }
}
