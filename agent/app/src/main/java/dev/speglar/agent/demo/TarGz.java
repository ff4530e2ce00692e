package dev.speglar.agent.demo;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/** Writes a minimal ustar archive of regular files, gzip-compressed: enough for an OCI layer. */
final class TarGz {
    private TarGz() {}

    /** Returns {uncompressed tar, gzip of it}. */
    static byte[][] of(Map<String, byte[]> files) throws IOException {
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            tar.write(header(f.getKey(), f.getValue().length));
            tar.write(f.getValue());
            tar.write(new byte[(int) ((512 - f.getValue().length % 512) % 512)]);
        }
        tar.write(new byte[1024]); // two zero blocks end the archive
        byte[] t = tar.toByteArray();
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(t);
        }
        return new byte[][] {t, gz.toByteArray()};
    }

    private static byte[] header(String name, long size) {
        byte[] h = new byte[512];
        put(h, 0, name, 100);
        put(h, 100, "0000644", 8);
        put(h, 108, "0000000", 8);
        put(h, 116, "0000000", 8);
        put(h, 124, String.format("%011o", size), 12);
        put(h, 136, String.format("%011o", 0L), 12);
        java.util.Arrays.fill(h, 148, 156, (byte) ' ');
        h[156] = '0';
        put(h, 257, "ustar", 6);
        put(h, 263, "00", 2);
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        put(h, 148, String.format("%06o", sum), 7);
        h[155] = ' ';
        return h;
    }

    private static void put(byte[] h, int off, String s, int len) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, h, off, Math.min(b.length, len));
    }
}
