package dev.clave.cas.store;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class StoreConcurrencyTest extends StoreConcurrencyContract {
  @TempDir Path dir;

  @Override
  CasStore open() {
    return StoreFixture.open(dir);
  }
}
