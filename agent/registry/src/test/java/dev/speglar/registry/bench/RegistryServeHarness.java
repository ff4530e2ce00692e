package dev.speglar.registry.bench;

import dev.speglar.oci.Descriptor;
import dev.speglar.oci.MediaTypes;
import dev.speglar.registry.RegistryServer;
import dev.speglar.registry.testing.FakeContentStore;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.CountDownLatch;

/**
 * Starts a registry over an in-memory index with file-backed blobs, for load tools (wrk, hey) run by hand; see
 * agent/registry/BENCHMARKS.md. Not a test: it serves until killed.
 *
 * <p>Args: {@code port [blobMiB [ioThreads]]}. Prints the manifest and blob digests it serves.
 */
public final class RegistryServeHarness {
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int blobMiB = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        int ioThreads = args.length > 2 ? Integer.parseInt(args[2]) : 0;
        Path dir = Files.createTempDirectory("speglar-bench");
        FakeContentStore store = new FakeContentStore(dir);
        byte[] manifestBytes = ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"layers\":[]}"
                        + " ".repeat(400))
                .getBytes(StandardCharsets.UTF_8);
        Descriptor manifest = store.add(MediaTypes.OCI_MANIFEST, manifestBytes);
        for (int i = 0; i < 10_000; i++) {
            store.tag("docker.io/library/app" + i + ":1.0", manifest.digest());
        }
        store.tag("docker.io/library/bench:1.0", manifest.digest());
        byte[] blob = new byte[blobMiB << 20];
        new Random(1).nextBytes(blob);
        Descriptor layer = store.add("application/vnd.oci.image.layer.v1.tar+gzip", blob);
        RegistryServer server = RegistryServer.builder()
                .bind(new InetSocketAddress("127.0.0.1", port))
                .store(store)
                .metrics(new PrometheusRegistry())
                .ioThreads(ioThreads)
                .build();
        InetSocketAddress bound = server.start();
        System.out.println("listening " + bound);
        System.out.println("manifest " + manifest.digest());
        System.out.println("blob " + layer.digest());
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        new CountDownLatch(1).await();
    }
}
