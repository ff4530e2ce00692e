package dev.speglar.p2p.multiformats;

import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Multiaddr protocols known to this implementation; size is bytes, 0 = no value, -1 = uvarint length-prefixed. */
public enum Protocol {
    IP4(4, "ip4", 4),
    TCP(6, "tcp", 2),
    DNS(53, "dns", -1),
    DNS4(54, "dns4", -1),
    DNS6(55, "dns6", -1),
    DNSADDR(56, "dnsaddr", -1),
    IP6(41, "ip6", 16),
    IP6ZONE(42, "ip6zone", -1),
    UDP(273, "udp", 2),
    P2P(421, "p2p", -1),
    P2P_CIRCUIT(290, "p2p-circuit", 0),
    TLS(448, "tls", 0),
    SNI(449, "sni", -1),
    NOISE(454, "noise", 0),
    QUIC(460, "quic", 0),
    QUIC_V1(461, "quic-v1", 0),
    WEBTRANSPORT(465, "webtransport", 0),
    HTTP(480, "http", 0),
    WS(477, "ws", 0),
    WSS(478, "wss", 0);

    private static final Map<Integer, Protocol> BY_CODE =
            Stream.of(values()).collect(Collectors.toMap(p -> p.code, Function.identity()));
    private static final Map<String, Protocol> BY_NAME =
            Stream.of(values()).collect(Collectors.toMap(p -> p.name, Function.identity()));

    final int code;
    final String name;
    final int size;

    Protocol(int code, String name, int size) {
        this.code = code;
        this.name = name;
        this.size = size;
    }

    public int code() {
        return code;
    }

    public String protocolName() {
        return name;
    }

    static Protocol byCode(long code) {
        return code > Integer.MAX_VALUE ? null : BY_CODE.get((int) code);
    }

    static Protocol byName(String name) {
        return BY_NAME.get(name);
    }
}
