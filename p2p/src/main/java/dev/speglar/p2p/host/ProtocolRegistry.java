package dev.speglar.p2p.host;

import dev.speglar.p2p.yamux.StreamHandler;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/** Protocol ids this host serves, each with a factory making a handler per inbound stream. */
public final class ProtocolRegistry {
    private final Map<String, Function<Connection, StreamHandler>> handlers = new ConcurrentHashMap<>();

    public void register(String protocol, Function<Connection, StreamHandler> factory) {
        handlers.put(protocol, factory);
    }

    public boolean supports(String protocol) {
        return handlers.containsKey(protocol);
    }

    StreamHandler create(String protocol, Connection c) {
        return handlers.get(protocol).apply(c);
    }

    public List<String> protocols() {
        return handlers.keySet().stream().sorted().toList();
    }
}
