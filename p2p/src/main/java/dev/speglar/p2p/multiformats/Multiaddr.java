package dev.speglar.p2p.multiformats;

import dev.speglar.p2p.P2pProtocolException;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** A binary multiaddr with its canonical text form. Immutable. */
public final class Multiaddr {
    public static final int MAX_BYTES = 1024;

    /** One component; value bytes are in binary (wire) form. */
    public record Component(Protocol protocol, byte[] value) {
        public Component {
            value = value.clone();
        }

        @Override
        public byte[] value() {
            return value.clone();
        }
    }

    private final List<Component> components;
    private final byte[] bytes;

    private Multiaddr(List<Component> components) {
        this.components = List.copyOf(components);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Component c : components) {
            out.writeBytes(Uvarint.encode(c.protocol().code()));
            if (c.protocol().size < 0) {
                out.writeBytes(Uvarint.encode(c.value.length));
            }
            out.writeBytes(c.value);
        }
        this.bytes = out.toByteArray();
        if (bytes.length > MAX_BYTES) {
            throw new P2pProtocolException("multiaddr longer than " + MAX_BYTES + " bytes");
        }
    }

    public static Multiaddr of(List<Component> components) {
        return new Multiaddr(components);
    }

    public static Multiaddr decode(byte[] data) {
        if (data.length > MAX_BYTES) {
            throw new P2pProtocolException("multiaddr longer than " + MAX_BYTES + " bytes");
        }
        ByteReader r = new ByteReader(data);
        List<Component> out = new ArrayList<>();
        while (r.hasRemaining()) {
            long code = r.readUvarint();
            Protocol p = Protocol.byCode(code);
            if (p == null) {
                throw new P2pProtocolException("unknown multiaddr protocol code " + code);
            }
            int len = p.size >= 0 ? p.size : r.readLength(MAX_BYTES);
            byte[] value = r.readBytes(len);
            if (p == Protocol.P2P) {
                PeerId.fromBytes(value);
            }
            out.add(new Component(p, value));
        }
        return new Multiaddr(out);
    }

    /** Decodes, or returns empty for addresses with unknown protocols or bad bytes (skip, don't fail). */
    public static Optional<Multiaddr> tryDecode(byte[] data) {
        try {
            return Optional.of(decode(data));
        } catch (P2pProtocolException e) {
            return Optional.empty();
        }
    }

    public static Multiaddr parse(String text) {
        if (text.length() > 4 * MAX_BYTES || !text.startsWith("/")) {
            throw new P2pProtocolException("multiaddr must start with '/': " + text);
        }
        String[] parts = text.substring(1).split("/", -1);
        List<Component> out = new ArrayList<>();
        for (int i = 0; i < parts.length; i++) {
            Protocol p = Protocol.byName(parts[i]);
            if (p == null) {
                throw new P2pProtocolException("unknown multiaddr protocol '" + parts[i] + "' in " + text);
            }
            if (p.size == 0) {
                out.add(new Component(p, new byte[0]));
                continue;
            }
            if (++i >= parts.length) {
                throw new P2pProtocolException("missing value for " + p.name + " in " + text);
            }
            out.add(new Component(p, MultiaddrValues.fromText(p, parts[i])));
        }
        return new Multiaddr(out);
    }

    public static Multiaddr tcp(InetAddress ip, int port) {
        Protocol p = ip.getAddress().length == 4 ? Protocol.IP4 : Protocol.IP6;
        return new Multiaddr(List.of(new Component(p, ip.getAddress()), new Component(Protocol.TCP, new byte[] {
            (byte) (port >> 8), (byte) port
        })));
    }

    public List<Component> components() {
        return components;
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    private Optional<Component> first(Protocol p) {
        return components.stream().filter(c -> c.protocol() == p).findFirst();
    }

    /** The ip4/ip6 address if this multiaddr starts with one. */
    public Optional<InetAddress> ip() {
        if (components.isEmpty()) {
            return Optional.empty();
        }
        Component c = components.getFirst();
        if (c.protocol() != Protocol.IP4 && c.protocol() != Protocol.IP6) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByAddress(c.value));
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    public Optional<Integer> tcpPort() {
        return first(Protocol.TCP).map(c -> ((c.value[0] & 0xff) << 8) | (c.value[1] & 0xff));
    }

    public Optional<PeerId> peerId() {
        return first(Protocol.P2P).map(c -> PeerId.fromBytes(c.value));
    }

    /** An /ip4|ip6/…/tcp/… address (trailing /p2p allowed) as a socket address. */
    public Optional<InetSocketAddress> tcpSocketAddress() {
        if (components.size() < 2 || components.get(1).protocol() != Protocol.TCP) {
            return Optional.empty();
        }
        return ip().map(ip -> new InetSocketAddress(ip, tcpPort().orElseThrow()));
    }

    public Multiaddr withoutPeerId() {
        return new Multiaddr(
                components.stream().filter(c -> c.protocol() != Protocol.P2P).toList());
    }

    public Multiaddr withPeerId(PeerId id) {
        List<Component> out = new ArrayList<>(withoutPeerId().components);
        out.add(new Component(Protocol.P2P, id.bytes()));
        return new Multiaddr(out);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Multiaddr m && Arrays.equals(m.bytes, bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (Component c : components) {
            sb.append('/').append(c.protocol().name);
            if (c.protocol().size != 0) {
                sb.append('/').append(MultiaddrValues.toText(c.protocol(), c.value));
            }
        }
        return sb.toString();
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
