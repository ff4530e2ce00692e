package dev.speglar.p2p.kad;

import dev.speglar.p2p.P2pProtocolException;
import dev.speglar.p2p.host.Host;
import dev.speglar.p2p.multiformats.PeerId;
import dev.speglar.p2p.proto.DelimitedReader;
import dev.speglar.p2p.proto.ProtoWriter;
import dev.speglar.p2p.yamux.StreamHandler;
import dev.speglar.p2p.yamux.YamuxStream;
import io.netty.buffer.ByteBuf;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Kademlia requests over a fresh stream each (as js does): write, read one response, FIN. ADD_PROVIDER, which has
 * no response, goes over one long-lived stream per peer instead (as go does), reopened when the peer drops it.
 */
final class KadClient {
    private final Host host;
    private final PeerStore peers;
    private final String protocol;
    private final Duration timeout;
    private final java.util.Map<PeerId, CompletableFuture<YamuxStream>> senders =
            new java.util.concurrent.ConcurrentHashMap<>();

    KadClient(Host host, PeerStore peers, String protocol, Duration timeout) {
        this.host = host;
        this.peers = peers;
        this.protocol = protocol;
        this.timeout = timeout;
    }

    /** Writes a message that gets no response on the peer's long-lived sender stream. */
    CompletableFuture<Void> send(PeerId peer, KadMessage msg) {
        byte[] frame = ProtoWriter.lengthPrefixed(msg.encode());
        CompletableFuture<YamuxStream> stream = senders.compute(
                peer,
                (p, cur) -> cur == null
                                || cur.isCompletedExceptionally()
                                || (cur.isDone() && !cur.join().isOpen())
                        ? openSender(p)
                        : cur);
        return stream.thenAccept(s -> s.write(frame)).orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private CompletableFuture<YamuxStream> openSender(PeerId peer) {
        StreamHandler h = new StreamHandler() {
            @Override
            public void onData(YamuxStream s, ByteBuf data) {
                // The server never answers ADD_PROVIDER.
            }

            @Override
            public void onRemoteClose(YamuxStream s) {
                s.closeWrite();
            }
        };
        return host.connect(peer, peers.get(peer)).thenCompose(c -> c.openStream(protocol, h));
    }

    /** Sends {@code req} and waits for one response; ADD_PROVIDER completes with null once written. */
    CompletableFuture<KadMessage> request(PeerId peer, KadMessage req) {
        Exchange ex =
                new Exchange(ProtoWriter.lengthPrefixed(req.encode()), req.type() != KadMessage.Type.ADD_PROVIDER);
        host.connect(peer, peers.get(peer))
                .thenCompose(c -> c.openStream(protocol, ex))
                .whenComplete((s, e) -> {
                    if (e != null) {
                        ex.result.completeExceptionally(e);
                    }
                });
        return ex.result.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete((r, e) -> {
            if (e != null) {
                ex.abort();
            }
        });
    }

    private static final class Exchange implements StreamHandler {
        final CompletableFuture<KadMessage> result = new CompletableFuture<>();
        private final byte[] request;
        private final boolean expectResponse;
        private final DelimitedReader reader = new DelimitedReader(KadMessage.MAX_SIZE);
        private volatile YamuxStream stream;

        Exchange(byte[] request, boolean expectResponse) {
            this.request = request;
            this.expectResponse = expectResponse;
        }

        @Override
        public void onOpen(YamuxStream s) {
            stream = s;
            s.write(request);
            if (!expectResponse) {
                s.closeWrite();
                result.complete(null);
            }
        }

        @Override
        public void onData(YamuxStream s, ByteBuf data) {
            var msgs = reader.feed(data);
            if (!msgs.isEmpty() && !result.isDone()) {
                s.closeWrite();
                result.complete(KadMessage.decode(msgs.getFirst()));
            }
        }

        @Override
        public void onRemoteClose(YamuxStream s) {
            s.closeWrite();
            if (expectResponse) {
                result.completeExceptionally(new P2pProtocolException("stream closed before a response"));
            }
        }

        @Override
        public void onReset(YamuxStream s, Throwable cause) {
            result.completeExceptionally(cause);
        }

        void abort() {
            YamuxStream s = stream;
            if (s != null) {
                s.reset();
            }
        }
    }
}
