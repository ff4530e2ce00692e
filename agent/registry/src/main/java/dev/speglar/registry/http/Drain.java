package dev.speglar.registry.http;

import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.time.Duration;

/**
 * Graceful stop of one listener's connections. Once draining, an idle connection is closed at once and a busy one
 * right after its current response, so a SIGTERM (a DaemonSet roll) does not cut a blob containerd is pulling; Go's
 * {@code http.Server.Shutdown}, which upstream uses, waits the same way. Busy means an exchange is open in the
 * connection's {@link HttpExchangeHandler}.
 */
public final class Drain {
    private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private volatile boolean draining;

    /** Tracks {@code ch} until it closes. */
    public void opened(Channel ch) {
        connections.add(ch);
        if (draining) {
            ch.close();
        }
    }

    boolean draining() {
        return draining;
    }

    /**
     * Closes idle connections now and busy ones after their response; waits until all are closed or {@code timeout}
     * passed. The caller has stopped accepting. True if every connection closed in time.
     */
    public boolean await(Duration timeout) {
        draining = true;
        for (Channel ch : connections) {
            ch.eventLoop().execute(() -> {
                if (!HttpExchangeHandler.busy(ch)) {
                    ch.close();
                }
            });
        }
        return connections.newCloseFuture().awaitUninterruptibly(timeout.toMillis());
    }
}
