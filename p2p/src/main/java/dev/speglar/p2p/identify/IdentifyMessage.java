package dev.speglar.p2p.identify;

import dev.speglar.p2p.P2pProtocolException;
import dev.speglar.p2p.multiformats.Multiaddr;
import dev.speglar.p2p.proto.ProtoReader;
import dev.speglar.p2p.proto.ProtoWriter;
import java.util.ArrayList;
import java.util.List;

/** The identify protobuf (proto2). signedPeerRecord is neither written nor interpreted. */
public record IdentifyMessage(
        String protocolVersion,
        String agentVersion,
        byte[] publicKey,
        List<Multiaddr> listenAddrs,
        Multiaddr observedAddr,
        List<String> protocols) {
    private static final int MAX_ITEMS = 256;

    public IdentifyMessage {
        listenAddrs = List.copyOf(listenAddrs);
        protocols = List.copyOf(protocols);
    }

    public byte[] encode() {
        ProtoWriter w = new ProtoWriter();
        if (protocolVersion != null) {
            w.string(5, protocolVersion);
        }
        if (agentVersion != null) {
            w.string(6, agentVersion);
        }
        if (publicKey != null) {
            w.bytes(1, publicKey);
        }
        listenAddrs.forEach(a -> w.bytes(2, a.bytes()));
        if (observedAddr != null) {
            w.bytes(4, observedAddr.bytes());
        }
        protocols.forEach(p -> w.string(3, p));
        return w.toByteArray();
    }

    /** Decodes one message; addresses with unknown protocols are skipped. */
    public static IdentifyMessage decode(byte[] data) {
        return merge(new IdentifyMessage(null, null, null, List.of(), null, List.of()), data);
    }

    /** go may split identify into several messages: later fields add to (repeated) or replace (singular) earlier ones. */
    public static IdentifyMessage merge(IdentifyMessage base, byte[] data) {
        String pv = base.protocolVersion;
        String av = base.agentVersion;
        byte[] key = base.publicKey;
        Multiaddr observed = base.observedAddr;
        List<Multiaddr> addrs = new ArrayList<>(base.listenAddrs);
        List<String> protos = new ArrayList<>(base.protocols);
        ProtoReader r = new ProtoReader(data);
        while (r.next()) {
            switch (r.field()) {
                case 1 -> key = r.bytes();
                case 2 -> Multiaddr.tryDecode(r.bytes()).ifPresent(addrs::add);
                case 3 -> protos.add(r.string());
                case 4 -> observed = Multiaddr.tryDecode(r.bytes()).orElse(observed);
                case 5 -> pv = r.string();
                case 6 -> av = r.string();
                default -> r.skip();
            }
            if (addrs.size() > MAX_ITEMS || protos.size() > MAX_ITEMS) {
                throw new P2pProtocolException("identify lists too many addresses or protocols");
            }
        }
        return new IdentifyMessage(pv, av, key, addrs, observed, protos);
    }
}
