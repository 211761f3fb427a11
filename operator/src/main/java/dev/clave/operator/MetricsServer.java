package dev.clave.operator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/** {@code GET /metrics} (Prometheus text), {@code /healthz} and {@code /readyz} of the operator, plain HTTP. */
public final class MetricsServer implements AutoCloseable {
  private final HttpServer server;

  private MetricsServer(HttpServer server) {
    this.server = server;
  }

  /** Listens on {@code host:port} (port 0 picks one). */
  public static MetricsServer start(String host, int port, OperatorMetrics metrics, BooleanSupplier ready) throws IOException {
    HttpServer s = HttpServer.create(new InetSocketAddress(host, port), 16);
    s.createContext("/metrics", ex -> send(ex, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.scrape()));
    s.createContext("/healthz", ex -> send(ex, 200, "text/plain", "ok\n"));
    s.createContext("/readyz", ex -> {
      boolean up = ready.getAsBoolean();
      send(ex, up ? 200 : 503, "text/plain", up ? "ok\n" : "starting\n");
    });
    s.setExecutor(Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "operator-metrics");
      t.setDaemon(true);
      return t;
    }));
    s.start();
    return new MetricsServer(s);
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private static void send(HttpExchange ex, int status, String type, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    boolean get = "GET".equals(ex.getRequestMethod());
    ex.getResponseHeaders().set("Content-Type", type);
    ex.sendResponseHeaders(get ? status : 405, get ? b.length : -1);
    try (OutputStream out = ex.getResponseBody()) {
      if (get) {
        out.write(b);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
