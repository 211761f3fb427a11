package dev.clave.operator.las;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Pattern;

/** The LAS's own endpoint, read over plain HTTP as the LAS serves it inside the cluster. */
final class HttpPlatformIdReader implements PlatformIdReader {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern PLATFORM_ID = Pattern.compile("[0-9A-Fa-f]{64}");
  private static final int MAX_BODY = 4096;

  private final Duration timeout;
  private final HttpClient http;

  HttpPlatformIdReader(Duration timeout) {
    this.timeout = timeout;
    this.http = HttpClient.newBuilder().connectTimeout(timeout).version(HttpClient.Version.HTTP_1_1).build();
  }

  @Override
  public String read(String host, int port) throws IOException, InterruptedException {
    String authority = host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
    URI uri = URI.create("http://" + authority + "/v1/platform-id");
    HttpResponse<byte[]> res;
    try {
      res = http.send(HttpRequest.newBuilder(uri).timeout(timeout).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      Throwable t = e;
      while (t.getMessage() == null && t.getCause() != null) {
        t = t.getCause();
      }
      throw new IOException("cannot reach the LAS at " + authority + ": "
          + (t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName()));
    }
    if (res.statusCode() != 200) {
      throw new IOException("the LAS at " + authority + " answered HTTP " + res.statusCode());
    }
    if (res.body().length > MAX_BODY) {
      throw new IOException("the LAS at " + authority + " sent " + res.body().length + " bytes, not a platform ID");
    }
    JsonNode id;
    try {
      id = JSON.readTree(res.body()).path("platformId");
    } catch (IOException e) {
      throw new IOException("the LAS at " + authority + " did not answer JSON");
    }
    if (!id.isTextual() || !PLATFORM_ID.matcher(id.asText()).matches()) {
      throw new IOException("the LAS at " + authority + " sent no platform ID (64 hex digits)");
    }
    return id.asText().toUpperCase(java.util.Locale.ROOT);
  }
}
