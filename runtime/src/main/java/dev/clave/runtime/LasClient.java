package dev.clave.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.clave.attestation.Bytes;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Base64;

/**
 * Asks the platform's LAS for a quote of the simulated enclave ({@code POST /v1/quote}, protocol in {@code
 * dev.clave.las.LasServer}). The answer is bounded: a quote with its certification data is a few KB.
 */
final class LasClient {
  static final int MAX_RESPONSE = 64 * 1024;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Endpoint las;
  private final HttpClient http;
  private final Duration timeout;

  LasClient(Endpoint las, Duration timeout) {
    this.las = las;
    this.timeout = timeout;
    this.http = HttpClient.newBuilder().connectTimeout(timeout).version(HttpClient.Version.HTTP_1_1).build();
  }

  /**
   * A DCAP quote of the enclave {@code mrEnclave} signed by {@code signer}, carrying {@code reportData}.
   *
   * @throws RunFailure ({@link ExitCodes#UNAVAILABLE}) naming the LAS and what went wrong
   */
  byte[] quote(Bytes mrEnclave, EnclaveSigner signer, byte[] reportData) throws RunFailure {
    String what = "the LAS at " + las;
    ObjectNode req = JSON.createObjectNode()
        .put("mrenclave", mrEnclave.hex())
        .put("mrsigner", signer.mrSigner().hex())
        .put("isvProdId", signer.isvProdId())
        .put("isvSvn", signer.isvSvn())
        .put("debug", true) // a simulated enclave is never protected
        .put("reportData", Bytes.wrap(reportData).hex());
    HttpRequest request;
    try {
      request = HttpRequest.newBuilder(URI.create("http://" + las + "/v1/quote"))
          .timeout(timeout)
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(req.toString()))
          .build();
    } catch (IllegalArgumentException e) {
      throw new RunFailure(ExitCodes.UNAVAILABLE, "cannot reach " + what + ": not a usable address");
    }
    BoundedHttp.Response r = BoundedHttp.exchange(http, request, MAX_RESPONSE, what);
    JsonNode body = json(r.body());
    if (r.status() != 200) {
      String error = body == null ? "" : body.path("error").asText("");
      throw new RunFailure(ExitCodes.UNAVAILABLE, what + " gave no quote (HTTP " + r.status() + ")"
          + (error.isEmpty() ? "" : ": " + Printable.line(error, 300)));
    }
    JsonNode quote = body == null ? null : body.get("quote");
    if (quote == null || !quote.isTextual()) {
      throw new RunFailure(ExitCodes.UNAVAILABLE, what + " answered without a quote: is it a Clave LAS?");
    }
    try {
      return Base64.getDecoder().decode(quote.textValue());
    } catch (IllegalArgumentException e) {
      throw new RunFailure(ExitCodes.UNAVAILABLE, what + " answered with a quote that is not base64");
    }
  }

  private static JsonNode json(byte[] body) {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      return null;
    }
  }
}
