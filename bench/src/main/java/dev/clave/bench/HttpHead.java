package dev.clave.bench;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/** The load generators' HTTP/1.1 responses on raw TLS sockets: the head, and the body's length. */
final class HttpHead {
  private HttpHead() {}

  /** The status line and headers, up to the blank line (the server may keep the connection open). */
  static String read(InputStream in) throws IOException {
    StringBuilder b = new StringBuilder();
    int matched = 0;
    while (matched < 4) {
      int c = in.read();
      if (c < 0) {
        throw new EOFException("the CAS closed the connection in the response head");
      }
      b.append((char) c);
      matched = (c == '\r' && (matched == 0 || matched == 2)) || (c == '\n' && (matched == 1 || matched == 3)) ? matched + 1 : 0;
    }
    return b.toString();
  }

  static int contentLength(String head) {
    for (String line : head.split("\r\n")) {
      if (line.regionMatches(true, 0, "content-length:", 0, 15)) {
        return Integer.parseInt(line.substring(15).strip());
      }
    }
    throw new IllegalStateException("no Content-Length in " + head);
  }
}
