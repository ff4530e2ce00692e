package dev.speglar.p2p.host;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Per-connection housekeeping on its event loop: a yamux keepalive PING (like go, every 30 s, unless a frame arrived
 * within that time; no ACK and no other frame within 10 s closes the connection, which catches peers that vanished
 * without a FIN) and an idle close (GO_AWAY) once
 * no stream has been open for the idle timeout.
 */
final class ConnectionMonitor {
    static final Duration KEEPALIVE = Duration.ofSeconds(30);
    static final Duration PING_TIMEOUT = Duration.ofSeconds(10);

    private final Connection connection;
    private final HostConfig config;
    private final long periodMillis;
    private long sincePing;
    private ScheduledFuture<?> task;

    ConnectionMonitor(Connection connection, HostConfig config) {
        this.connection = connection;
        this.config = config;
        this.periodMillis =
                Math.max(10, Math.min(KEEPALIVE.toMillis(), config.idleTimeout().toMillis() / 2));
    }

    void start() {
        var loop = connection.channel().eventLoop();
        task = loop.scheduleAtFixedRate(this::tick, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
        connection.channel().closeFuture().addListener(f -> task.cancel(false));
    }

    private void tick() {
        var session = connection.session();
        if (session.streamCount() == 0 && session.sinceLastStreamChange().compareTo(config.idleTimeout()) >= 0) {
            connection.close();
            return;
        }
        sincePing += periodMillis;
        if (sincePing >= KEEPALIVE.toMillis()) {
            sincePing = 0;
            long now = System.nanoTime();
            if (!needsPing(session.lastReadNanos(), now)) {
                return;
            }
            session.ping()
                    .orTimeout(PING_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .exceptionally(e -> {
                        if (silentSince(session.lastReadNanos(), now)) {
                            connection.abort();
                        }
                        return null;
                    });
        }
    }

    /**
     * A frame received within the keepalive interval already proves the peer alive, so no PING is sent: when both
     * sides ping, each then skips, halving keepalive traffic, and busy connections send none (at hundreds of
     * connections per node these frames add up).
     */
    static boolean needsPing(long lastReadNanos, long nowNanos) {
        return nowNanos - lastReadNanos >= KEEPALIVE.toNanos();
    }

    /**
     * A PING without ACK closes the connection only if nothing at all arrived since it was sent: an overloaded peer
     * (or our own loaded event loop) may answer late while the connection is otherwise live.
     */
    static boolean silentSince(long lastReadNanos, long pingSentNanos) {
        return lastReadNanos - pingSentNanos <= 0;
    }
}
