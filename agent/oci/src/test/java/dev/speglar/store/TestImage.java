package dev.speglar.store;

import dev.speglar.oci.Descriptor;
import dev.speglar.oci.Digest;
import dev.speglar.oci.MediaTypes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A deterministic two-platform image built in memory: an OCI index whose amd64 manifest (config + two layers) is
 * present and whose arm64 manifest is referenced but absent, like a node after a single-platform pull. Plus one
 * orphan config blob that no image references (exercises media-type fingerprinting).
 */
public final class TestImage {
    public static final String LAYER = "application/vnd.oci.image.layer.v1.tar+gzip";

    public final Descriptor index;
    public final Descriptor manifest;
    public final Descriptor config;
    public final Descriptor layer1;
    public final Descriptor layer2;
    /** Referenced by the index, never stored. */
    public final Descriptor absentManifest;
    /** Stored, referenced by nothing; sniffs as an OCI config. */
    public final Descriptor orphanConfig;
    /** Every stored blob, in walk order, then the orphan. */
    public final Map<Digest, byte[]> blobs = new LinkedHashMap<>();

    public TestImage() {
        this("amd64");
    }

    /** {@code variant} changes every byte, so two TestImages with different variants share no digest. */
    public TestImage(String variant) {
        byte[] cfg = json("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Env\":[\"V=" + variant + "\"]},"
                + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}");
        byte[] l1 = random(variant.hashCode(), 300_000);
        byte[] l2 = random(variant.hashCode() + 1, 1_234);
        config = desc(cfg, MediaTypes.OCI_CONFIG);
        layer1 = desc(l1, LAYER);
        layer2 = desc(l2, LAYER);
        byte[] man = json("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"config\":"
                + ref(config) + ",\"layers\":[" + ref(layer1) + "," + ref(layer2) + "]}");
        manifest = desc(man, MediaTypes.OCI_MANIFEST);
        absentManifest = desc(json("{\"schemaVersion\":2,\"absent\":\"" + variant + "\"}"), MediaTypes.OCI_MANIFEST);
        byte[] idx = json("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_INDEX + "\",\"manifests\":["
                + ref(manifest, "amd64") + "," + ref(absentManifest, "arm64") + "]}");
        index = desc(idx, MediaTypes.OCI_INDEX);
        byte[] orphan = json("{\"architecture\":\"arm\",\"os\":\"linux\",\"rootfs\":{},\"v\":\"" + variant + "\"}");
        orphanConfig = desc(orphan, MediaTypes.OCI_CONFIG);
        for (var e : List.of(
                Map.entry(index, idx),
                Map.entry(manifest, man),
                Map.entry(config, cfg),
                Map.entry(layer1, l1),
                Map.entry(layer2, l2),
                Map.entry(orphanConfig, orphan))) {
            blobs.put(e.getKey().digest(), e.getValue());
        }
    }

    /** The descriptors a walk from {@link #index} must return, in order. */
    public List<Descriptor> walk() {
        return List.of(index, manifest, config, layer1, layer2);
    }

    /**
     * Writes an OCI layout to {@code dir} whose index.json names the index with {@code annotations}
     * (e.g. {@code org.opencontainers.image.ref.name}). Existing content in {@code dir} is kept.
     */
    public void writeLayout(Path dir, Map<String, String> annotations) throws IOException {
        Files.createDirectories(dir.resolve("blobs/sha256"));
        Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        for (var e : blobs.entrySet()) {
            Files.write(dir.resolve("blobs/sha256").resolve(e.getKey().hex()), e.getValue());
        }
        StringBuilder ann = new StringBuilder();
        annotations.forEach((k, v) -> ann.append(ann.isEmpty() ? "" : ",")
                .append('"')
                .append(k)
                .append("\":\"")
                .append(v)
                .append('"'));
        String entry = "{\"mediaType\":\"" + index.mediaType() + "\",\"digest\":\"" + index.digest() + "\",\"size\":"
                + index.size() + ",\"annotations\":{" + ann + "}}";
        writeIndexJson(dir, List.of(entry));
    }

    /** Atomically replaces index.json with these raw entries (JSON objects). */
    public static void writeIndexJson(Path dir, List<String> entries) throws IOException {
        Path tmp = dir.resolve("index.json.tmp");
        Files.writeString(tmp, "{\"schemaVersion\":2,\"manifests\":[" + String.join(",", entries) + "]}");
        Files.move(
                tmp,
                dir.resolve("index.json"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static String ref(Descriptor d) {
        return "{\"mediaType\":\"" + d.mediaType() + "\",\"digest\":\"" + d.digest() + "\",\"size\":" + d.size() + "}";
    }

    private static String ref(Descriptor d, String arch) {
        return "{\"mediaType\":\"" + d.mediaType() + "\",\"digest\":\"" + d.digest() + "\",\"size\":" + d.size()
                + ",\"platform\":{\"architecture\":\"" + arch + "\",\"os\":\"linux\"}}";
    }

    private static Descriptor desc(byte[] b, String mediaType) {
        return new Descriptor(Digest.sha256(b), mediaType, b.length);
    }

    private static byte[] json(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] random(long seed, int n) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        b[0] = 0x1f; // gzip magic: never mistaken for JSON
        return b;
    }
}
