package dev.speglar.p2p.bootstrap;

import dev.speglar.p2p.P2pProtocolException;
import dev.speglar.p2p.multiformats.Multiaddr;
import dev.speglar.p2p.multiformats.PeerId;
import java.util.ArrayList;
import java.util.List;

/**
 * The HTTP bootstrap document {@code [{"ID":"<peer id>","Addrs":["/ip4/…/tcp/5001"]}]}: a strict little reader
 * and writer for exactly this shape (other keys are skipped if their values are strings or string arrays).
 */
public final class IdJson {
    public static final int MAX_BYTES = 64 * 1024;

    private IdJson() {}

    public static String format(PeerId id, List<Multiaddr> addrs) {
        StringBuilder sb = new StringBuilder("[{\"ID\":\"").append(id.toBase58()).append("\",\"Addrs\":[");
        for (int i = 0; i < addrs.size(); i++) {
            sb.append(i == 0 ? "" : ",").append('"').append(addrs.get(i)).append('"');
        }
        return sb.append("]}]").toString();
    }

    public static List<BootstrapPeer> parse(String json) {
        if (json.length() > MAX_BYTES) {
            throw new P2pProtocolException("bootstrap document too large");
        }
        Cursor c = new Cursor(json);
        List<BootstrapPeer> out = new ArrayList<>();
        c.expect('[');
        if (!c.tryConsume(']')) {
            do {
                out.add(peer(c));
            } while (c.tryConsume(','));
            c.expect(']');
        }
        c.end();
        return out;
    }

    private static BootstrapPeer peer(Cursor c) {
        c.expect('{');
        PeerId id = null;
        List<Multiaddr> addrs = new ArrayList<>();
        if (!c.tryConsume('}')) {
            do {
                String key = c.string();
                c.expect(':');
                if (c.peek() == '[') {
                    List<String> values = c.stringArray();
                    if (key.equals("Addrs")) {
                        values.forEach(v -> addrs.add(Multiaddr.parse(v)));
                    }
                } else if (c.peek() == 'n') {
                    c.literal("null");
                } else {
                    String v = c.string();
                    if (key.equals("ID") && !v.isEmpty()) {
                        id = PeerId.parse(v);
                    }
                }
            } while (c.tryConsume(','));
            c.expect('}');
        }
        List<Multiaddr> clean = addrs.stream().map(Multiaddr::withoutPeerId).toList();
        return new BootstrapPeer(id, clean);
    }

    private static final class Cursor {
        private final String s;
        private int i;

        Cursor(String s) {
            this.s = s;
        }

        void ws() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }

        char peek() {
            ws();
            if (i >= s.length()) {
                throw new P2pProtocolException("unexpected end of bootstrap JSON");
            }
            return s.charAt(i);
        }

        void expect(char ch) {
            if (peek() != ch) {
                throw new P2pProtocolException("bootstrap JSON: expected '" + ch + "' at " + i);
            }
            i++;
        }

        boolean tryConsume(char ch) {
            if (peek() == ch) {
                i++;
                return true;
            }
            return false;
        }

        void literal(String lit) {
            if (!s.startsWith(lit, i)) {
                throw new P2pProtocolException("bootstrap JSON: bad literal at " + i);
            }
            i += lit.length();
        }

        String string() {
            expect('"');
            StringBuilder sb = new StringBuilder();
            while (true) {
                if (i >= s.length()) {
                    throw new P2pProtocolException("bootstrap JSON: unterminated string");
                }
                char ch = s.charAt(i++);
                if (ch == '"') {
                    return sb.toString();
                }
                if (ch == '\\') {
                    if (i >= s.length()) {
                        throw new P2pProtocolException("bootstrap JSON: bad escape");
                    }
                    char e = s.charAt(i++);
                    sb.append(switch (e) {
                        case '"', '\\', '/' -> e;
                        case 'n' -> '\n';
                        case 't' -> '\t';
                        default -> throw new P2pProtocolException("bootstrap JSON: unsupported escape");
                    });
                } else {
                    sb.append(ch);
                }
            }
        }

        List<String> stringArray() {
            List<String> out = new ArrayList<>();
            expect('[');
            if (!tryConsume(']')) {
                do {
                    out.add(string());
                } while (tryConsume(','));
                expect(']');
            }
            return out;
        }

        void end() {
            ws();
            if (i != s.length()) {
                throw new P2pProtocolException("bootstrap JSON: trailing data");
            }
        }
    }
}
