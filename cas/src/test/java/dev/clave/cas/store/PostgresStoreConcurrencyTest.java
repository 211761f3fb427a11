package dev.clave.cas.store;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

class PostgresStoreConcurrencyTest extends StoreConcurrencyContract {
  @TempDir Path root;
  PostgresDatabase db;

  @BeforeEach
  void database() {
    db = PostgresCluster.shared().newDatabase();
  }

  @Override
  CasStore open() {
    return StoreFixture.openReplica(db, root, "a");
  }
}
