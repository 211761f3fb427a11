package dev.clave.backupcontroller;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Real LAS endpoints on loopback addresses (127.0.0.2, 127.0.0.3, ...), all on one port, as pods' IPs would be. */
final class FakeLas implements AutoCloseable {
  private final List<HttpServer> servers = new ArrayList<>();
  /** host → the platform ID it reports; absent: it answers 404. */
  final Map<String, String> platformIds = new ConcurrentHashMap<>();
  final int port;

  FakeLas(String... hosts) throws IOException {
    int p = 0;
    for (int attempt = 0; ; attempt++) {
      try {
        p = bindAll(hosts);
        break;
      } catch (BindException e) {
        // Another process holds the port on one of the addresses: start over on a new one.
        close();
        if (attempt == 5) {
          throw e;
        }
      }
    }
    port = p;
  }

  private int bindAll(String[] hosts) throws IOException {
    int p = 0;
    for (String host : hosts) {
      HttpServer s = HttpServer.create(new InetSocketAddress(host, p), 0);
      p = s.getAddress().getPort();
      s.createContext("/v1/platform-id", ex -> {
        String id = platformIds.get(host);
        byte[] body = id == null ? new byte[0] : ("{\"platformId\": \"" + id + "\"}").getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(id == null ? 404 : 200, id == null ? -1 : body.length);
        if (id != null) {
          try (OutputStream o = ex.getResponseBody()) {
            o.write(body);
          }
        }
        ex.close();
      });
      s.start();
      servers.add(s);
    }
    return p;
  }

  static String id(char c) {
    return String.valueOf(c).repeat(64);
  }

  @Override
  public void close() {
    servers.forEach(s -> s.stop(0));
    servers.clear();
  }
}
