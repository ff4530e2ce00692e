package dev.speglar.p2p.identify;

import dev.speglar.p2p.P2pProtocolException;
import dev.speglar.p2p.host.Connection;
import dev.speglar.p2p.host.Host;
import dev.speglar.p2p.multiformats.Multiaddr;
import dev.speglar.p2p.multiformats.PeerId;
import dev.speglar.p2p.proto.DelimitedReader;
import dev.speglar.p2p.proto.ProtoWriter;
import dev.speglar.p2p.yamux.StreamHandler;
import dev.speglar.p2p.yamux.YamuxStream;
import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** /ipfs/id/1.0.0: the acceptor writes its Identify then FIN; the opener reads until EOF and merges. */
public final class IdentifyService {
    public static final String PROTOCOL = "/ipfs/id/1.0.0";
    static final int MAX_MESSAGE = 8 * 1024;
    static final int MAX_MESSAGES = 10;

    private final Host host;
    private final Supplier<List<Multiaddr>> listenAddrs;

    public IdentifyService(Host host, Supplier<List<Multiaddr>> listenAddrs) {
        this.host = host;
        this.listenAddrs = listenAddrs;
        host.protocols().register(PROTOCOL, c -> new Responder(c));
    }

    IdentifyMessage ours(Connection c) {
        return new IdentifyMessage(
                "ipfs/0.1.0",
                "speglar/0.1",
                host.identity().publicKeyProtobuf(),
                listenAddrs.get(),
                c.remoteMultiaddr(),
                host.protocols().protocols());
    }

    /** Asks the remote for its Identify; fails if its key does not match the connection's peer id. */
    public CompletableFuture<IdentifyMessage> identify(Connection c) {
        Reader reader = new Reader(c.remotePeer());
        c.openStream(PROTOCOL, reader).whenComplete((s, e) -> {
            if (e != null) {
                reader.result.completeExceptionally(e);
            }
        });
        return reader.result.orTimeout(10, TimeUnit.SECONDS);
    }

    private final class Responder implements StreamHandler {
        private final Connection connection;

        Responder(Connection connection) {
            this.connection = connection;
        }

        @Override
        public void onOpen(YamuxStream stream) {
            stream.write(ProtoWriter.lengthPrefixed(ours(connection).encode()));
            stream.closeWrite();
        }

        @Override
        public void onData(YamuxStream stream, ByteBuf data) {
            // The opener is not supposed to write; ignore it.
        }
    }

    private static final class Reader implements StreamHandler {
        final CompletableFuture<IdentifyMessage> result = new CompletableFuture<>();
        private final PeerId expected;
        private final DelimitedReader frames = new DelimitedReader(MAX_MESSAGE);
        private IdentifyMessage merged = IdentifyMessage.decode(new byte[0]);
        private int count;

        Reader(PeerId expected) {
            this.expected = expected;
        }

        @Override
        public void onData(YamuxStream stream, ByteBuf data) {
            for (byte[] m : frames.feed(data)) {
                if (++count > MAX_MESSAGES) {
                    throw new P2pProtocolException("too many identify messages");
                }
                merged = IdentifyMessage.merge(merged, m);
            }
        }

        @Override
        public void onRemoteClose(YamuxStream stream) {
            stream.closeWrite();
            if (merged.publicKey() == null
                    || !PeerId.fromPublicKeyProtobuf(merged.publicKey()).equals(expected)) {
                result.completeExceptionally(new P2pProtocolException("identify key does not match " + expected));
            } else {
                result.complete(merged);
            }
        }

        @Override
        public void onReset(YamuxStream stream, Throwable cause) {
            result.completeExceptionally(cause);
        }
    }
}
