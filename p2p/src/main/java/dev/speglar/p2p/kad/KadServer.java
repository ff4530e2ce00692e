package dev.speglar.p2p.kad;

import dev.speglar.p2p.P2pProtocolException;
import dev.speglar.p2p.host.Connection;
import dev.speglar.p2p.proto.DelimitedReader;
import dev.speglar.p2p.proto.ProtoWriter;
import dev.speglar.p2p.yamux.StreamHandler;
import dev.speglar.p2p.yamux.YamuxStream;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * Serves one inbound Kademlia stream: answers every request until the remote closes, because go reuses one
 * stream for many requests. ADD_PROVIDER gets no answer; one without a valid entry resets the stream, as go does.
 */
final class KadServer implements StreamHandler {
    static final int MAX_KEY = 80;
    /** Requests are small (a key and one provider entry); responses may use the full 4 MiB. */
    static final int MAX_REQUEST = 64 * 1024;

    private final Dht dht;
    private final Connection connection;
    private final DelimitedReader reader = new DelimitedReader(MAX_REQUEST);

    KadServer(Dht dht, Connection connection) {
        this.dht = dht;
        this.connection = connection;
    }

    @Override
    public void onData(YamuxStream stream, ByteBuf data) {
        for (byte[] m : reader.feed(data)) {
            KadMessage req = KadMessage.decode(m);
            KadMessage resp = handle(req);
            if (resp != null) {
                stream.write(ProtoWriter.lengthPrefixed(resp.encode()));
            }
        }
    }

    private KadMessage handle(KadMessage req) {
        byte[] key = req.key();
        return switch (req.type()) {
            case FIND_NODE ->
                new KadMessage(
                        req.type(), new byte[0], dht.closerPeersForFindNode(key, connection.remotePeer()), List.of());
            case GET_PROVIDERS -> {
                if (key.length == 0 || key.length > MAX_KEY) {
                    throw new P2pProtocolException("GET_PROVIDERS key must be 1.." + MAX_KEY + " bytes");
                }
                yield new KadMessage(
                        req.type(),
                        key,
                        dht.closerPeers(KadId.of(key), connection.remotePeer()),
                        dht.providersFor(key));
            }
            case ADD_PROVIDER -> {
                addProviders(req);
                yield null;
            }
            case PING -> req;
            case GET_VALUE, PUT_VALUE ->
                new KadMessage(req.type(), key, dht.closerPeers(KadId.of(key), connection.remotePeer()), List.of());
        };
    }

    private void addProviders(KadMessage req) {
        byte[] key = req.key();
        if (key.length == 0 || key.length > MAX_KEY) {
            throw new P2pProtocolException("ADD_PROVIDER key must be 1.." + MAX_KEY + " bytes");
        }
        List<KadPeer> valid = new ArrayList<>();
        for (KadPeer p : req.providerPeers()) {
            if (p.id().equals(connection.remotePeer()) && !p.addrs().isEmpty()) {
                valid.add(dht.config().ownAddressesOnly() ? new KadPeer(p.id(), dht.owned(connection, p.addrs())) : p);
            }
        }
        valid.removeIf(p -> p.addrs().isEmpty());
        if (valid.isEmpty()) {
            throw new P2pProtocolException("ADD_PROVIDER without a valid entry for the sender");
        }
        valid.forEach(p -> dht.storeProvider(key, p));
    }
}
