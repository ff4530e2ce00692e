package dev.speglar.p2p.bootstrap;

import dev.speglar.common.json.InvalidJsonException;
import dev.speglar.common.json.Json;
import dev.speglar.p2p.P2pProtocolException;
import dev.speglar.p2p.multiformats.Multiaddr;
import dev.speglar.p2p.multiformats.PeerId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The HTTP bootstrap document {@code [{"ID":"<peer id>","Addrs":["/ip4/…/tcp/5001"]}]}, read with the shared strict
 * JSON codec; other keys are ignored, an empty or null ID means "unknown".
 */
public final class IdJson {
    public static final int MAX_BYTES = 64 * 1024;

    private IdJson() {}

    public static String format(PeerId id, List<Multiaddr> addrs) {
        StringBuilder sb = new StringBuilder("[{\"ID\":");
        Json.quote(sb, id.toBase58());
        sb.append(",\"Addrs\":[");
        for (int i = 0; i < addrs.size(); i++) {
            sb.append(i == 0 ? "" : ",");
            Json.quote(sb, addrs.get(i).toString());
        }
        return sb.append("]}]").toString();
    }

    public static List<BootstrapPeer> parse(String json) {
        if (json.length() > MAX_BYTES) {
            throw new P2pProtocolException("bootstrap document too large");
        }
        Object doc;
        try {
            doc = Json.parse(json);
        } catch (InvalidJsonException e) {
            throw new P2pProtocolException("bootstrap JSON: " + e.getMessage());
        }
        if (!(doc instanceof List<?> list)) {
            throw new P2pProtocolException("bootstrap JSON: expected an array of peers");
        }
        List<BootstrapPeer> out = new ArrayList<>();
        for (Object o : list) {
            if (!(o instanceof Map<?, ?> m)) {
                throw new P2pProtocolException("bootstrap JSON: expected a peer object");
            }
            out.add(peer(m));
        }
        return out;
    }

    private static BootstrapPeer peer(Map<?, ?> m) {
        PeerId id = switch (m.get("ID")) {
            case null -> null;
            case String s when s.isEmpty() -> null;
            case String s -> PeerId.parse(s);
            case Object o when o == Json.NULL -> null;
            default -> throw new P2pProtocolException("bootstrap JSON: ID must be a string");
        };
        List<Multiaddr> addrs = new ArrayList<>();
        Object raw = m.get("Addrs");
        if (raw instanceof List<?> l) {
            for (Object a : l) {
                if (!(a instanceof String s)) {
                    throw new P2pProtocolException("bootstrap JSON: Addrs must be strings");
                }
                addrs.add(Multiaddr.parse(s).withoutPeerId());
            }
        } else if (raw != null && raw != Json.NULL) {
            throw new P2pProtocolException("bootstrap JSON: Addrs must be an array");
        }
        return new BootstrapPeer(id, addrs);
    }
}
