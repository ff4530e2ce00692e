package dev.speglar.agent.demo;

import dev.speglar.oci.Digest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Generates a small, valid OCI image in an OCI image layout directory (no daemon, no network): the embedded default
 * the demo serves. Prints the manifest digest.
 */
@Command(
        name = "demo-image",
        mixinStandardHelpOptions = true,
        hidden = true,
        description = "Write a generated test image into an OCI image layout directory.")
public final class DemoImageCommand implements Callable<Integer> {

    @Option(names = "--out", required = true, description = "OCI layout directory to create or extend.")
    Path out;

    @Option(
            names = "--name",
            defaultValue = "docker.io/library/speglar-demo:1.0",
            description = "Full image name recorded as org.opencontainers.image.ref.name (default: ${DEFAULT-VALUE}).")
    String name;

    @Option(names = "--layer-size", defaultValue = "4194304", description = "Bytes of random data in the layer.")
    int layerSize;

    @Override
    public Integer call() throws Exception {
        byte[] random = new byte[layerSize];
        new SecureRandom().nextBytes(random);
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("etc/hello.txt", "hello from speglar\n".getBytes(StandardCharsets.UTF_8));
        files.put("data/random.bin", random);
        byte[][] layer = TarGz.of(files);
        String layerDigest = blob(layer[1]);
        String config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Cmd\":[\"/bin/sh\"]},"
                + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" + Digest.sha256(layer[0]) + "\"]}}";
        String configDigest = blob(config.getBytes(StandardCharsets.UTF_8));
        String manifest = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + configDigest
                + "\",\"size\":" + config.length()
                + "},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\","
                + "\"digest\":\"" + layerDigest + "\",\"size\":" + layer[1].length + "}]}";
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
