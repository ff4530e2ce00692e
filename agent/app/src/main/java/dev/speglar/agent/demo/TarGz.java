package dev.speglar.agent.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * Writes a minimal ustar archive of regular files, gzip-compressed, straight to a stream: enough for an OCI layer of any
 * size in constant memory. Hashes both the tar (the layer's diff_id) and the gzip (its digest) on the way.
 */
final class TarGz implements AutoCloseable {
    private static final int BLOCK = 512;

    private final MessageDigest tarHash = sha256();
    private final MessageDigest gzHash = sha256();
    private final OutputStream tar;
    private long gzBytes;

    TarGz(OutputStream file) throws IOException {
        OutputStream counted = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                file.write(b);
                gzBytes++;
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                file.write(b, off, len);
                gzBytes += len;
            }

            @Override
            public void close() throws IOException {
                file.close();
            }
        };
        // Random data does not compress: the fastest level costs the least CPU for the same size.
        GZIPOutputStream gz = new GZIPOutputStream(new DigestOutputStream(counted, gzHash), 1 << 16) {
            {
                def.setLevel(Deflater.BEST_SPEED);
            }
        };
        this.tar = new DigestOutputStream(gz, tarHash);
    }

    /** Appends one regular file of {@code size} bytes read from {@code content}. */
    void add(String name, long size, InputStream content) throws IOException {
        tar.write(header(name, size));
        long copied = content.transferTo(tar);
        if (copied != size) {
            throw new IOException(name + ": " + copied + " bytes, expected " + size);
        }
        tar.write(new byte[(int) ((BLOCK - size % BLOCK) % BLOCK)]);
    }

    /** Ends the archive (two zero blocks) and the gzip stream; call before reading the digests. */
    @Override
    public void close() throws IOException {
        tar.write(new byte[2 * BLOCK]);
        tar.close();
    }

    /** Hex SHA-256 of the uncompressed tar. */
    String tarSha256() {
        return HexFormat.of().formatHex(tarHash.digest());
    }

    /** Hex SHA-256 of the gzip stream. */
    String gzSha256() {
        return HexFormat.of().formatHex(gzHash.digest());
    }

    long gzSize() {
        return gzBytes;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] header(String name, long size) {
        byte[] h = new byte[BLOCK];
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
