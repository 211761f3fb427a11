package dev.clave.backupcontroller;

import java.util.Optional;

/** Reads a node's platform ID from its LAS. */
public interface PlatformIds {
  /** The platform ID the LAS at {@code lasHost} reports, empty when it cannot be read. */
  Optional<String> read(String lasHost);
}
