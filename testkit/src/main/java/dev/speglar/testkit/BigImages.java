package dev.speglar.testkit;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Generates large images for benchmarks directly in Java (gzip of random data would only burn CPU): N uncompressed tar
 * layers, each holding one file of seeded random bytes, plus config and manifest, written into an OCI layout.
 */
public final class BigImages {
    private static final int BLOCK = 512;

    private BigImages() {}

    /**
     * For shell benchmarks ({@code scripts/bench-swarm.sh}): {@code LAYOUT_DIR REPOSITORY TAG LAYERS TOTAL_BYTES SEED}
     * writes the image and prints one line per blob: {@code kind digest size} (kind = manifest, config or layer).
     */
    public static void main(String[] args) {
        if (args.length != 6) {
            System.err.println("usage: BigImages LAYOUT_DIR REPOSITORY TAG LAYERS TOTAL_BYTES SEED");
            System.exit(2);
        }
        ImageFixture image = generate(
                OciLayout.init(java.nio.file.Path.of(args[0])),
                args[1],
                args[2],
                Integer.parseInt(args[3]),
                Long.parseLong(args[4]),
                Long.parseLong(args[5]));
        System.out.println(
                "manifest " + image.manifest().digest() + " " + image.manifest().size());
        System.out.println(
                "config " + image.config().digest() + " " + image.config().size());
        for (BlobInfo l : image.layers()) {
            System.out.println("layer " + l.digest() + " " + l.size());
        }
    }

    /**
     * Writes an image of {@code layers} layers whose files total {@code totalBytes} into {@code layout} and tags it
     * {@code tag}. Same seed, same bytes, same digests.
     */
    public static ImageFixture generate(
            OciLayout layout, String repository, String tag, int layers, long totalBytes, long seed) {
        if (layers < 1 || totalBytes < layers) {
            throw new IllegalArgumentException("need at least 1 layer and 1 byte per layer");
        }
        List<BlobInfo> layerInfos = new ArrayList<>();
        long per = totalBytes / layers;
        for (int i = 0; i < layers; i++) {
            long size = i == layers - 1 ? totalBytes - per * (layers - 1) : per;
            layerInfos.add(writeLayer(layout, "data/layer-" + i + ".bin", size, seed + i));
        }
        StringBuilder diffIds = new StringBuilder();
        StringBuilder layerJson = new StringBuilder();
        for (BlobInfo l : layerInfos) {
            diffIds.append(diffIds.isEmpty() ? "" : ",")
                    .append('"')
                    .append(l.digest())
                    .append('"');
            layerJson.append(layerJson.isEmpty() ? "" : ",").append(descriptor(l));
        }
        BlobInfo config = layout.writeBlob(OciLayout.utf8("""
        {"architecture":"amd64","os":"linux","config":{},"rootfs":{"type":"layers","diff_ids":[%s]}}""".formatted(diffIds)), OciLayout.CONFIG);
        BlobInfo manifest = layout.writeBlob(
                OciLayout.utf8("""
        {"schemaVersion":2,"mediaType":"%s","config":%s,"layers":[%s]}""".formatted(OciLayout.MANIFEST, descriptor(config), layerJson)), OciLayout.MANIFEST);
        layout.tag(manifest, tag);
        return new ImageFixture(repository, tag, manifest, config, layerInfos, layout.dir());
    }

    private static String descriptor(BlobInfo b) {
        return "{\"mediaType\":\"%s\",\"digest\":\"%s\",\"size\":%d}".formatted(b.mediaType(), b.digest(), b.size());
    }

    private static BlobInfo writeLayer(OciLayout layout, String name, long size, long seed) {
        try {
            Path tmp = Files.createTempFile(layout.dir(), "layer", ".tmp");
            MessageDigest md = OciLayout.digester();
            try (OutputStream out =
                    new DigestOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 20), md)) {
                out.write(tarHeader(name, size));
                TestImages.writeRandom(out, size, seed);
                out.write(new byte[(int) ((BLOCK - size % BLOCK) % BLOCK) + 2 * BLOCK]);
            }
            return layout.adoptBlob(tmp, "sha256:" + HexFormat.of().formatHex(md.digest()), OciLayout.LAYER_TAR);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A ustar header for one regular file (mode 0644, mtime 0, owner 0). */
    static byte[] tarHeader(String name, long size) {
        byte[] h = new byte[BLOCK];
        put(h, 0, name);
        put(h, 100, "0000644");
        put(h, 108, "0000000");
        put(h, 116, "0000000");
        put(h, 124, String.format("%011o", size));
        put(h, 136, "00000000000");
        h[156] = '0';
        put(h, 257, "ustar");
        put(h, 263, "00");
        for (int i = 148; i < 156; i++) {
            h[i] = ' ';
        }
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        put(h, 148, String.format("%06o", sum));
        h[154] = 0;
        h[155] = ' ';
        return h;
    }

    private static void put(byte[] h, int off, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, h, off, b.length);
    }
}
