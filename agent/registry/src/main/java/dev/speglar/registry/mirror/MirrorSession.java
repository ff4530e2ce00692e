package dev.speglar.registry.mirror;

import dev.speglar.routing.Lookup;
import dev.speglar.routing.Peer;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The state of one mirrored request shared by its races: the event queue its thread waits on, the peers found so far,
 * and a feeder thread that turns the (blocking) lookup into {@link MirrorEvent.Found} events.
 */
final class MirrorSession implements AutoCloseable {
  private static final Duration FEED_WAIT = Duration.ofMillis(50);

  final ChannelHandlerContext ctx;
  final PeerPool pool = new PeerPool();
  private final LinkedBlockingQueue<MirrorEvent> events = new LinkedBlockingQueue<>();
  private final Lookup lookup;
  private final Thread feeder;
  private final ChannelFutureListener onClientClose = f -> post(new MirrorEvent.ClientGone());
  private volatile boolean closed;

  MirrorSession(ChannelHandlerContext ctx, Lookup lookup, MirrorConfig config, Quarantine quarantine) {
    this.ctx = ctx;
    this.lookup = lookup;
    ctx.channel().closeFuture().addListener(onClientClose);
    // Providers the router already knows are taken right away: a thread start is no reason to miss the idle window.
    try {
      Optional<Peer> p;
      while (!lookup.finished() && (p = lookup.next(Duration.ZERO)).isPresent()) {
        found(p.get(), config, quarantine);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (lookup.finished()) {
      pool.lookupDone();
      this.feeder = null;
    } else {
      this.feeder = Thread.ofVirtual().name("mirror-lookup").start(() -> feed(config, quarantine));
    }
  }

  private void found(Peer p, MirrorConfig config, Quarantine quarantine) {
    if (!quarantine.contains(p.id())) {
      PeerTarget t = PeerTarget.of(p, config.localRegistryPort(), config.selfAddresses());
      if (t != null) {
        pool.add(t);
      }
    }
  }

  private void feed(MirrorConfig config, Quarantine quarantine) {
    try {
      while (!closed && !lookup.finished()) {
        Optional<Peer> p = lookup.next(FEED_WAIT);
        if (p.isPresent() && !quarantine.contains(p.get().id())) {
          PeerTarget t = PeerTarget.of(p.get(), config.localRegistryPort(), config.selfAddresses());
          if (t != null) {
            post(new MirrorEvent.Found(t));
          }
        }
      }
    } catch (InterruptedException e) {
      return;
    } catch (RuntimeException e) {
      PeerMirror.LOG.warn("peer lookup failed: {}", e.toString());
    }
    post(new MirrorEvent.LookupDone());
  }

  void post(MirrorEvent e) {
    events.add(e);
  }

  /** The next event within {@code timeoutNanos} (null on timeout); lookup events are applied to the pool first. */
  MirrorEvent poll(long timeoutNanos) throws InterruptedException {
    MirrorEvent e = events.poll(Math.max(0, timeoutNanos), TimeUnit.NANOSECONDS);
    if (e instanceof MirrorEvent.Found f) {
      pool.add(f.target());
    } else if (e instanceof MirrorEvent.LookupDone) {
      pool.lookupDone();
    }
    return e;
  }

  boolean clientGone() {
    return !ctx.channel().isActive();
  }

  @Override
  public void close() {
    closed = true;
    if (feeder != null) {
      feeder.interrupt();
    }
    lookup.close();
    ctx.channel().closeFuture().removeListener(onClientClose);
  }
}
