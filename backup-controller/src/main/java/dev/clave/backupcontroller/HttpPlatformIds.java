package dev.clave.backupcontroller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

/** {@code GET http://<LAS>:<port>/v1/platform-id} → {@code {"platformId": "<64 hex>"}}. */
public final class HttpPlatformIds implements PlatformIds {
  private static final Pattern ID = Pattern.compile("[0-9A-Fa-f]{64}");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final int port;
  private final Duration timeout;
  private final HttpClient http;

  public HttpPlatformIds(int port, Duration timeout) {
    this.port = port;
    this.timeout = timeout;
    this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
  }

  @Override
  public Optional<String> read(String lasHost) {
    String host = lasHost.contains(":") ? "[" + lasHost + "]" : lasHost;
    try {
      HttpRequest req = HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + "/v1/platform-id"))
          .timeout(timeout).GET().build();
      HttpResponse<String> resp = http.send(req, HttpResponse.BodyHandlers.ofString());
      if (resp.statusCode() != 200) {
        return Optional.empty();
      }
      JsonNode id = JSON.readTree(resp.body()).path("platformId");
      // Anything but a well-formed ID counts as unreadable, so the boot ID decides instead.
      return id.isTextual() && ID.matcher(id.asText()).matches() ? Optional.of(id.asText().toUpperCase()) : Optional.empty();
    } catch (IOException | IllegalArgumentException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }
}
