package dev.clave.cas;

import dev.clave.cas.store.CasStore;
import dev.clave.cas.store.DataKeySource;
import dev.clave.cas.store.PostgresCasStore;
import dev.clave.cas.store.PostgresDatabase;
import dev.clave.cas.store.SimulationSealer;
import dev.clave.cas.store.SqliteCasStore;
import java.nio.file.Path;

/** Opens the store a {@link CasConfig} names, sealed to this platform (simulation sealing for now). */
final class ConfiguredStore {
  private ConfiguredStore() {}

  static dev.clave.cas.store.Sealer sealer(Path stateDir, byte[] platformIdentity) {
    return SimulationSealer.open(stateDir, platformIdentity);
  }

  static CasStore open(CasConfig.Store store, Path stateDir, byte[] platformIdentity,
      dev.clave.cas.store.BackupIdentity backup) {
    SimulationSealer sealer = SimulationSealer.open(stateDir, platformIdentity);
    return switch (store.kind()) {
      case SQLITE -> SqliteCasStore.open(stateDir, sealer, backup);
      case POSTGRES -> {
        PostgresDatabase db = new PostgresDatabase(store.url(), store.user(), store.password());
        if (store.keyDir() == null) {
          // Each replica gets the key through an attested registration by a running one (the first makes it).
          yield PostgresCasStore.open(db, stateDir, sealer, DataKeySource.registration(db, backup));
        }
        // A key directory all replicas share: the data key sealed there (its own sealing secret in simulation).
        Path keyDir = store.keyDir().toAbsolutePath();
        SimulationSealer keySealer = keyDir.equals(stateDir.toAbsolutePath()) ? sealer
            : SimulationSealer.open(keyDir, platformIdentity);
        yield PostgresCasStore.open(db, stateDir, sealer, DataKeySource.sealedKeyFile(keyDir, keySealer));
      }
    };
  }
}
