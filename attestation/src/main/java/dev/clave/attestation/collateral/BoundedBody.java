package dev.clave.attestation.collateral;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * An HTTP body subscriber that collects at most {@code limit} bytes and cancels the exchange as soon as
 * more arrive, so a hostile or broken server cannot make the client buffer an unbounded body.
 */
final class BoundedBody implements HttpResponse.BodySubscriber<byte[]> {
  /** The body exceeded its limit; carries the limit for the message. */
  static final class TooLarge extends IOException {
    final long limit;

    TooLarge(long limit) {
      super("response body over the limit of " + limit + " bytes", null);
      this.limit = limit;
    }
  }

  /** What to do with the body: read it within the limit, refuse it unread, or drop it unread. */
  private enum Mode {
    READ,
    TOO_LARGE,
    DISCARD
  }

  private final int limit;
  private final Mode mode;
  private final CompletableFuture<byte[]> result = new CompletableFuture<>();
  private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
  private Flow.Subscription subscription;

  private BoundedBody(int limit, Mode mode) {
    this.limit = limit;
    this.mode = mode;
  }

  /**
   * A handler that reads the body of a 200 response within {@code limit} bytes (refusing at once when
   * Content-Length already says more) and discards the body of any other status unread.
   */
  static HttpResponse.BodyHandler<byte[]> handler(int limit) {
    return info -> {
      if (info.statusCode() != 200) {
        return new BoundedBody(0, Mode.DISCARD);
      }
      long declared;
      try {
        declared = info.headers().firstValueAsLong("content-length").orElse(-1);
      } catch (NumberFormatException e) {
        declared = -1; // the limit is still enforced while reading
      }
      return new BoundedBody(limit, declared > limit ? Mode.TOO_LARGE : Mode.READ);
    };
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    this.subscription = s;
    switch (mode) {
      case DISCARD -> {
        s.cancel();
        result.complete(new byte[0]);
      }
      case TOO_LARGE -> {
        s.cancel();
        result.completeExceptionally(new TooLarge(limit));
      }
      case READ -> s.request(1);
    }
  }

  @Override
  public void onNext(List<ByteBuffer> items) {
    if (result.isDone()) {
      return;
    }
    for (ByteBuffer b : items) {
      if ((long) buffer.size() + b.remaining() > limit) {
        subscription.cancel();
        result.completeExceptionally(new TooLarge(limit));
        return;
      }
      byte[] chunk = new byte[b.remaining()];
      b.get(chunk);
      buffer.writeBytes(chunk);
    }
    subscription.request(1);
  }

  @Override
  public void onError(Throwable t) {
    result.completeExceptionally(t);
  }

  @Override
  public void onComplete() {
    result.complete(buffer.toByteArray());
  }

  @Override
  public CompletionStage<byte[]> getBody() {
    return result;
  }
}
