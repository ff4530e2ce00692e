package dev.speglar.p2p.multiformats;

import dev.speglar.p2p.P2pProtocolException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;

/** Text ⇄ binary conversion of multiaddr component values. Never resolves names. */
final class MultiaddrValues {
    private MultiaddrValues() {}

    static byte[] fromText(Protocol p, String text) {
        return switch (p) {
            case IP4 -> ip4(text);
            case IP6 -> ip6(text);
            case TCP, UDP -> port(text);
            case P2P -> PeerId.parse(text).bytes();
            default -> {
                if (text.isEmpty()) {
                    throw new P2pProtocolException("empty " + p.name + " value");
                }
                yield text.getBytes(StandardCharsets.UTF_8);
            }
        };
    }

    static String toText(Protocol p, byte[] v) {
        return switch (p) {
            case IP4 -> (v[0] & 0xff) + "." + (v[1] & 0xff) + "." + (v[2] & 0xff) + "." + (v[3] & 0xff);
            case IP6 -> Ip6Text.format(v);
            case TCP, UDP -> Integer.toString(((v[0] & 0xff) << 8) | (v[1] & 0xff));
            case P2P -> PeerId.fromBytes(v).toBase58();
            default -> Multiaddr.utf8(v);
        };
    }

    private static byte[] ip4(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            throw new P2pProtocolException("invalid ip4 " + text);
        }
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            if (!parts[i].matches("\\d{1,3}") || Integer.parseInt(parts[i]) > 255) {
                throw new P2pProtocolException("invalid ip4 " + text);
            }
            out[i] = (byte) Integer.parseInt(parts[i]);
        }
        return out;
    }

    private static byte[] ip6(String text) {
        // Only hex digits, ':' and '.' reach InetAddress, so it parses a literal and never does a DNS lookup.
        if (!text.contains(":") || !text.matches("[0-9a-fA-F:.]{2,45}")) {
            throw new P2pProtocolException("invalid ip6 " + text);
        }
        try {
            byte[] b = InetAddress.getByName(text).getAddress();
            if (b.length == 4) {
                // IPv4-mapped literal: Java collapses it; keep the 16-byte form.
                byte[] out = new byte[16];
                out[10] = (byte) 0xff;
                out[11] = (byte) 0xff;
                System.arraycopy(b, 0, out, 12, 4);
                return out;
            }
            return b;
        } catch (UnknownHostException e) {
            throw new P2pProtocolException("invalid ip6 " + text, e);
        }
    }

    private static byte[] port(String text) {
        if (!text.matches("\\d{1,5}") || Integer.parseInt(text) > 65535) {
            throw new P2pProtocolException("invalid port " + text);
        }
        int v = Integer.parseInt(text);
        return new byte[] {(byte) (v >> 8), (byte) v};
    }
}
