package dev.speglar.registry.http;

import dev.speglar.registry.metrics.HttpMetrics;
import io.netty.channel.Channel;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * At most {@code limit} blob bodies served to peers at once ({@code --upload-limit}; upstream #336): one more is
 * refused at once with 503, so the asking node moves on to another peer instead of queueing behind a busy seed.
 * 0 means no limit.
 */
final class UploadLimiter {
  private final int limit;
  private final AtomicInteger active = new AtomicInteger();
  private final HttpMetrics metrics;

  /** @param metrics where rejections are counted, or null */
  UploadLimiter(int limit, HttpMetrics metrics) {
    if (limit < 0) {
      throw new IllegalArgumentException("upload limit must not be negative");
    }
    this.limit = limit;
    this.metrics = metrics;
  }

  /** Takes a slot for the channel's current exchange, released when it ends; false when all are taken. */
  boolean tryAcquire(Channel channel) {
    if (limit == 0) {
      return true;
    }
    if (active.incrementAndGet() > limit) {
      active.decrementAndGet();
      if (metrics != null) {
        metrics.uploadRejected();
      }
      return false;
    }
    HttpExchangeHandler.onFinish(channel, active::decrementAndGet);
    return true;
  }
}
