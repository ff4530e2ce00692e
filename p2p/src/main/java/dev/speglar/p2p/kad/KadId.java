package dev.speglar.p2p.kad;

import dev.speglar.p2p.multiformats.Multihash;
import java.util.Comparator;

/** Kademlia key space: ids are sha256(key bytes), distance is XOR compared as unsigned big-endian. */
public final class KadId {
    private KadId() {}

    public static byte[] of(byte[] key) {
        return Multihash.sha256Digest(key);
    }

    public static byte[] xor(byte[] a, byte[] b) {
        byte[] out = new byte[32];
        for (int i = 0; i < 32; i++) {
            out[i] = (byte) (a[i] ^ b[i]);
        }
        return out;
    }

    /** Number of leading zero bits of a XOR b (256 when equal). */
    public static int commonPrefixLength(byte[] a, byte[] b) {
        for (int i = 0; i < 32; i++) {
            int x = (a[i] ^ b[i]) & 0xff;
            if (x != 0) {
                return i * 8 + Integer.numberOfLeadingZeros(x) - 24;
            }
        }
        return 256;
    }

    /**
     * Orders kad ids by distance to {@code target}. Compares byte by byte without building the XORs: sorting a routing
     * table runs this thousands of times for every request served.
     */
    public static Comparator<byte[]> byDistanceTo(byte[] target) {
        return (x, y) -> {
            for (int i = 0; i < 32; i++) {
                int dx = (x[i] ^ target[i]) & 0xff;
                int dy = (y[i] ^ target[i]) & 0xff;
                if (dx != dy) {
                    return Integer.compare(dx, dy);
                }
            }
            return 0;
        };
    }
}
