package dev.clave.operator.las;

import java.io.IOException;
import java.time.Duration;

/** Asks one LAS for its platform ID. The operator's reader speaks HTTP to the pod; tests may give their own. */
@FunctionalInterface
public interface PlatformIdReader {
  /**
   * The platform ID (64 upper-case hex digits) of the LAS listening at {@code host:port}.
   *
   * @throws IOException when the LAS cannot be reached or its answer is not a platform ID; the message says which
   */
  String read(String host, int port) throws IOException, InterruptedException;

  /** {@code GET http://HOST:PORT/v1/platform-id} → {"platformId": "<64 HEX>"}, as {@code clave las serve} answers. */
  static PlatformIdReader http(Duration timeout) {
    return new HttpPlatformIdReader(timeout);
  }
}
