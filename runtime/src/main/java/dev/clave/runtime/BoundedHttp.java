package dev.clave.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import javax.net.ssl.SSLException;

/** One HTTP exchange whose response body is read up to a bound, with failures as one readable line. */
final class BoundedHttp {
  private BoundedHttp() {}

  /** A response: status and body (at most the bound). */
  record Response(int status, byte[] body) {}

  /**
   * Sends the request and reads at most {@code maxBody} bytes of the answer.
   *
   * @param what names the peer in errors, e.g. "the LAS at 127.0.0.1:18766"
   * @throws RunFailure ({@link ExitCodes#UNAVAILABLE}) when the peer cannot be reached, the TLS handshake
   *     fails, it times out, or the body is larger than the bound
   */
  static Response exchange(HttpClient http, HttpRequest request, int maxBody, String what) throws RunFailure {
    try {
      HttpResponse<InputStream> r = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream in = r.body()) {
        byte[] body = in.readNBytes(maxBody + 1);
        if (body.length > maxBody) {
          throw new RunFailure(ExitCodes.UNAVAILABLE, what + " answered with more than " + maxBody + " bytes");
        }
        return new Response(r.statusCode(), body);
      }
    } catch (HttpConnectTimeoutException e) {
      throw new RunFailure(ExitCodes.UNAVAILABLE, "cannot reach " + what + ": the connection timed out");
    } catch (HttpTimeoutException e) {
      throw new RunFailure(ExitCodes.UNAVAILABLE, what + " did not answer in time");
    } catch (IOException e) {
      throw new RunFailure(ExitCodes.UNAVAILABLE, "cannot reach " + what + ": " + reason(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RunFailure(ExitCodes.UNAVAILABLE, "interrupted while talking to " + what);
    } catch (IllegalArgumentException e) {
      // e.g. a host name the URI syntax refuses
      throw new RunFailure(ExitCodes.UNAVAILABLE, "cannot reach " + what + ": not a usable address");
    }
  }

  /** The deepest useful cause: the JDK wraps refusals and handshake failures in messages like "null". */
  private static String reason(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ConnectException) {
        return "connection refused";
      }
      if (t instanceof UnresolvedAddressException || t instanceof java.net.UnknownHostException) {
        return "unknown host";
      }
      if (t instanceof SSLException) {
        Throwable root = t;
        while (root.getCause() != null) {
          root = root.getCause();
        }
        return "TLS handshake failed: " + Printable.line(root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage(), 300);
      }
    }
    return Printable.line(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(), 300);
  }
}
