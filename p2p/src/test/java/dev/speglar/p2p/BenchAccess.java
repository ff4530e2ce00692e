package dev.speglar.p2p;

import dev.speglar.p2p.host.Connection;
import dev.speglar.p2p.host.ProtocolRegistry;
import dev.speglar.p2p.yamux.StreamHandler;
import java.lang.reflect.Field;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * Benchmark instrumentation that the public API deliberately does not offer: kill without goodbye, count inbound
 * DHT requests, and see whether advertising has drained. Reflection is confined to this class.
 */
public final class BenchAccess {
    private BenchAccess() {}

    /** Provider lookups this node ran, by rounds (see {@code Dht.lookupRounds}). */
    public static long[] lookupRounds(P2pNode node) {
        return node.dht().lookupRounds();
    }

    /** True when this node stores a provider record of {@code key} by {@code providerPeerId}. */
    public static boolean holdsRecord(P2pNode node, String key, String providerPeerId) {
        byte[] mh = dev.speglar.p2p.multiformats.Cid.ofKey(key).multihash().bytes();
        return node.dht().providerStore().get(mh).stream()
                .anyMatch(p -> p.id().toBase58().equals(providerPeerId));
    }

    /** The last DHT walk the node finished. */
    public static dev.speglar.p2p.kad.WalkOutcome lastWalk(P2pNode node) {
        return node.dht().lastWalk();
    }

    /** Peer ids (base58) in the node's routing table. */
    public static java.util.List<String> routingTable(P2pNode node) {
        return node.dht().routingTable().peers().stream()
                .map(dev.speglar.p2p.multiformats.PeerId::toBase58)
                .toList();
    }

    /** Failed DHT requests of this node's walks by exception class. */
    public static Map<String, Long> failures(P2pNode node) {
        return node.dht().failures();
    }

    /** Dies like a crashed process: no GO_AWAY, sockets just close. */
    public static void kill(P2pNode node) {
        node.kill();
    }

    /** Wraps the node's DHT protocol handler so every inbound DHT stream (one request each) adds to {@code n}. */
    @SuppressWarnings("unchecked")
    public static void countDhtRequests(P2pNode node, String protocol, LongAdder n) {
        try {
            ProtocolRegistry reg = node.host().protocols();
            Field f = ProtocolRegistry.class.getDeclaredField("handlers");
            f.setAccessible(true);
            Map<String, Function<Connection, StreamHandler>> handlers =
                    (Map<String, Function<Connection, StreamHandler>>) f.get(reg);
            Function<Connection, StreamHandler> inner = handlers.get(protocol);
            reg.register(protocol, c -> {
                n.increment();
                return inner.apply(c);
            });
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot instrument the DHT handler", e);
        }
    }

    /** Provides queued, running or waiting for a retry; 0 once advertising has drained. */
    public static int advertisingPending(P2pNode node) {
        try {
            return ((dev.speglar.p2p.kad.Reprovider)
                            field(P2pNode.class, "reprovider").get(node))
                    .pending();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot inspect the reprovider", e);
        }
    }

    /** Adds one to {@code n} for every connection the node upgrades (one Noise handshake each), either direction. */
    public static void countConnections(P2pNode node, LongAdder n) {
        node.host().onConnection(c -> n.increment());
    }

    private static Field field(Class<?> c, String name) throws NoSuchFieldException {
        Field f = c.getDeclaredField(name);
        f.setAccessible(true);
        return f;
    }
}
