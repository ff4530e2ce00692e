package dev.speglar.p2p.kad;

import dev.speglar.p2p.P2pProtocolException;
import dev.speglar.p2p.multiformats.Multiaddr;
import dev.speglar.p2p.multiformats.PeerId;
import dev.speglar.p2p.proto.ProtoReader;
import dev.speglar.p2p.proto.ProtoWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * The dht.pb Message subset Spegel uses. Encoded like js (no clusterLevelRaw); on decode, record and
 * clusterLevelRaw are ignored, unparsable peer ids drop their entry and unknown multiaddrs are skipped.
 */
public record KadMessage(Type type, byte[] key, List<KadPeer> closerPeers, List<KadPeer> providerPeers) {
    public static final int MAX_SIZE = 4 * 1024 * 1024;
    private static final int MAX_PEERS = 1000;
    private static final int MAX_ADDRS = 64;

    public enum Type {
        PUT_VALUE,
        GET_VALUE,
        ADD_PROVIDER,
        GET_PROVIDERS,
        FIND_NODE,
        PING
    }

    public KadMessage {
        key = key == null ? new byte[0] : key.clone();
        closerPeers = List.copyOf(closerPeers);
        providerPeers = List.copyOf(providerPeers);
    }

    public static KadMessage request(Type type, byte[] key) {
        return new KadMessage(type, key, List.of(), List.of());
    }

    @Override
    public byte[] key() {
        return key.clone();
    }

    public byte[] encode() {
        ProtoWriter w = new ProtoWriter();
        if (type.ordinal() != 0) {
            w.varint(1, type.ordinal());
        }
        if (key.length > 0) {
            w.bytes(2, key);
        }
        closerPeers.forEach(p -> w.message(8, peer(p)));
        providerPeers.forEach(p -> w.message(9, peer(p)));
        return w.toByteArray();
    }

    private static ProtoWriter peer(KadPeer p) {
        ProtoWriter w = new ProtoWriter().bytes(1, p.id().bytes());
        p.addrs().forEach(a -> w.bytes(2, a.bytes()));
        return w;
    }

    public static KadMessage decode(byte[] data) {
        if (data.length > MAX_SIZE) {
            throw new P2pProtocolException("kad message exceeds 4 MiB");
        }
        ProtoReader r = new ProtoReader(data);
        Type type = Type.PUT_VALUE;
        byte[] key = new byte[0];
        List<KadPeer> closer = new ArrayList<>();
        List<KadPeer> providers = new ArrayList<>();
        while (r.next()) {
            switch (r.field()) {
                case 1 -> {
                    long t = r.varint();
                    if (t < 0 || t >= Type.values().length) {
                        throw new P2pProtocolException("unknown kad message type " + t);
                    }
                    type = Type.values()[(int) t];
                }
                case 2 -> key = r.bytes();
                case 8 -> addPeer(r.bytes(), closer);
                case 9 -> addPeer(r.bytes(), providers);
                default -> r.skip();
            }
            if (closer.size() + providers.size() > MAX_PEERS) {
                throw new P2pProtocolException("kad message lists too many peers");
            }
        }
        return new KadMessage(type, key, closer, providers);
    }

    private static void addPeer(byte[] data, List<KadPeer> out) {
        ProtoReader r = new ProtoReader(data);
        byte[] id = null;
        List<Multiaddr> addrs = new ArrayList<>();
        while (r.next()) {
            switch (r.field()) {
                case 1 -> id = r.bytes();
                case 2 -> {
                    byte[] a = r.bytes();
                    if (addrs.size() < MAX_ADDRS) {
                        Multiaddr.tryDecode(a).ifPresent(addrs::add);
                    }
                }
                default -> r.skip();
            }
        }
        if (id == null) {
            return;
        }
        try {
            out.add(new KadPeer(PeerId.fromBytes(id), addrs));
        } catch (P2pProtocolException e) {
            // go drops peers whose id does not parse; so do we.
        }
    }
}
