package dev.speglar.p2p.ping;

import dev.speglar.p2p.P2pProtocolException;
import dev.speglar.p2p.host.Connection;
import dev.speglar.p2p.host.Host;
import dev.speglar.p2p.yamux.StreamHandler;
import dev.speglar.p2p.yamux.YamuxStream;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** /ipfs/ping/1.0.0: the acceptor echoes 32-byte blocks (js pings every new DHT contact before admitting it). */
public final class PingService {
    public static final String PROTOCOL = "/ipfs/ping/1.0.0";
    static final int SIZE = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    public PingService(Host host) {
        host.protocols().register(PROTOCOL, c -> new Echo());
    }

    /** One ping; completes with the round-trip time. */
    public static CompletableFuture<Duration> ping(Connection c) {
        byte[] payload = new byte[SIZE];
        RANDOM.nextBytes(payload);
        Pinger p = new Pinger(payload);
        c.openStream(PROTOCOL, p).whenComplete((s, e) -> {
            if (e != null) {
                p.result.completeExceptionally(e);
            }
        });
        return p.result.orTimeout(10, TimeUnit.SECONDS);
    }

    private static final class Echo implements StreamHandler {
        private final ByteBuf buffer = Unpooled.buffer();

        @Override
        public void onData(YamuxStream stream, ByteBuf data) {
            buffer.writeBytes(data);
            while (buffer.readableBytes() >= SIZE) {
                byte[] block = new byte[SIZE];
                buffer.readBytes(block);
                stream.write(block);
            }
            buffer.discardReadBytes();
        }
    }

    private static final class Pinger implements StreamHandler {
        final CompletableFuture<Duration> result = new CompletableFuture<>();
        private final byte[] payload;
        private final ByteBuf buffer = Unpooled.buffer();
        private long sent;

        Pinger(byte[] payload) {
            this.payload = payload;
        }

        @Override
        public void onOpen(YamuxStream stream) {
            sent = System.nanoTime();
            stream.write(payload.clone());
        }

        @Override
        public void onData(YamuxStream stream, ByteBuf data) {
            buffer.writeBytes(data);
            if (buffer.readableBytes() >= SIZE) {
                byte[] echo = new byte[SIZE];
                buffer.readBytes(echo);
                stream.closeWrite();
                if (Arrays.equals(echo, payload)) {
                    result.complete(Duration.ofNanos(System.nanoTime() - sent));
                } else {
                    result.completeExceptionally(new P2pProtocolException("ping echo differs"));
                }
            }
        }

        @Override
        public void onReset(YamuxStream stream, Throwable cause) {
            result.completeExceptionally(cause);
        }
    }
}
