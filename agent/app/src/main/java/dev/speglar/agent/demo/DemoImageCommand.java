package dev.speglar.agent.demo;

import dev.speglar.oci.Digest;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Generates a small, valid OCI image in an OCI image layout directory (no daemon, no network): the embedded default
 * the demo serves. Prints the manifest digest. The layer is streamed to disk, so its size is not bounded by the heap.
 */
@Command(
        name = "demo-image",
        mixinStandardHelpOptions = true,
        hidden = true,
        description = "Write a generated test image into an OCI image layout directory.")
public final class DemoImageCommand implements Callable<Integer> {
    /** The largest size a ustar header's 11 octal digits can hold. */
    private static final long MAX_LAYER = 077777777777L;

    @Option(names = "--out", required = true, description = "OCI layout directory to create or extend.")
    Path out;

    @Option(
            names = "--name",
            defaultValue = "docker.io/library/speglar-demo:1.0",
            description = "Full image name recorded as org.opencontainers.image.ref.name (default: ${DEFAULT-VALUE}).")
    String name;

    @Option(
            names = "--layer-size",
            defaultValue = "4194304",
            description =
                    "Bytes of random data in the layer (streamed: any size up to 8 GiB; default: ${DEFAULT-VALUE}).")
    long layerSize;

    @Override
    public Integer call() throws Exception {
        if (layerSize < 0 || layerSize > MAX_LAYER) {
            System.err.println("demo-image: --layer-size must be between 0 and " + MAX_LAYER);
            return 2;
        }
        Path blobs = out.resolve("blobs").resolve("sha256");
        Files.createDirectories(blobs);
        Path tmp = Files.createTempFile(blobs, "layer", ".tmp");
        TarGz layer;
        try (TarGz tar = new TarGz(new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16))) {
            layer = tar;
            byte[] hello = "hello from speglar\n".getBytes(StandardCharsets.UTF_8);
            tar.add("etc/hello.txt", hello.length, new ByteArrayInputStream(hello));
            tar.add("data/random.bin", layerSize, new RandomBytes(layerSize));
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        String layerHex = layer.gzSha256();
        String layerDigest = "sha256:" + layerHex;
        Files.move(tmp, blobs.resolve(layerHex), StandardCopyOption.REPLACE_EXISTING);
        // A temporary file is private (0600); the layout's blobs are world-readable like the ones written below.
        Files.setPosixFilePermissions(
                blobs.resolve(layerHex), java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        String diffId = "sha256:" + layer.tarSha256();
        String config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Cmd\":[\"/bin/sh\"]},"
                + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" + diffId + "\"]}}";
        String configDigest = blob(config.getBytes(StandardCharsets.UTF_8));
        String manifest = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + configDigest
                + "\",\"size\":" + config.length()
                + "},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\","
                + "\"digest\":\"" + layerDigest + "\",\"size\":" + layer.gzSize() + "}]}";
        byte[] m = manifest.getBytes(StandardCharsets.UTF_8);
        String manifestDigest = blob(m);
        Files.writeString(out.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        String index = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[{"
                + "\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" + manifestDigest
                + "\",\"size\":"
                + m.length + ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"" + name + "\"}}]}";
        Files.writeString(out.resolve("index.json"), index);
        System.out.println(manifestDigest);
        return 0;
    }

    private String blob(byte[] content) throws Exception {
        Digest d = Digest.sha256(content);
        Path p = out.resolve("blobs").resolve(d.algorithm()).resolve(d.hex());
        Files.createDirectories(p.getParent());
        Files.write(p, content);
        return d.toString();
    }
}
