package dev.speglar.e2e.beyond;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.speglar.agent.hosts.MirrorConfiguration;
import dev.speglar.containerd.IngestDirectory;
import dev.speglar.oci.Digest;
import dev.speglar.store.Arrival;
import dev.speglar.testkit.BigImages;
import dev.speglar.testkit.BlobInfo;
import dev.speglar.testkit.ContainerdDaemon;
import dev.speglar.testkit.DistributionRegistry;
import dev.speglar.testkit.Exec;
import dev.speglar.testkit.ImageFixture;
import dev.speglar.testkit.LoopbackAddresses;
import dev.speglar.testkit.OciLayout;
import dev.speglar.testkit.TapProxy;
import dev.speglar.testkit.TempDirs;
import dev.speglar.testkit.TestImages;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A streaming mirror serves any blob size in bounded memory. Agents run as their own JVMs with the packaged options
 * (packaging/agent-jvm.options: 64 MiB heap, 32 MiB direct memory, exit on OutOfMemoryError) and serve a 256 MiB layer
 * — four times the heap — to several concurrent clients at once: from the local OCI layout (sendfile), relayed from a
 * peer (hashed on the way), and while their containerd is still receiving it (in-flight stream). Every body must hash
 * to the layer's digest and every agent must still be up.
 */
@Tag("real")
class BigBlobBoundedMemoryE2ETest {
    private static final long SIZE = 256L << 20;
    private static final int CLIENTS = 3;

    private final List<AutoCloseable> open = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void cleanUp() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
    }

    private <T extends AutoCloseable> T own(T c) {
        open.add(c);
        return c;
    }

    @Test
    void aBlobFourTimesTheHeapIsServedWholeToConcurrentClientsLocallyFromAPeerAndInFlight() throws Exception {
        OciLayout layout = OciLayout.init(TempDirs.create("big-blob").resolve("layout"));
        ImageFixture image = BigImages.generate(layout, "library/big", "1.0", 1, SIZE, 7);
        BlobInfo layer = image.layers().getFirst();
        String path = "/v2/" + image.repository() + "/blobs/" + layer.digest();

        InetAddress hostA = LoopbackAddresses.nextAddress();
        InetAddress hostB = LoopbackAddresses.nextAddress();
        int registryPort = LoopbackAddresses.freePort(hostA);
        int routerA = LoopbackAddresses.freePort(hostA);
        String seed = "/ip4/" + hostA.getHostAddress() + "/tcp/" + routerA;
        AgentJvm a = own(agent(
                "big-a",
                hostA,
                registryPort,
                routerA,
                seed,
                List.of(
                        "--store=oci-layout",
                        "--oci-layout-dir=docker.io/" + image.repository() + "=" + layout.dir())));
        OciLayout empty = OciLayout.init(TempDirs.create("big-blob-empty").resolve("layout"));
        AgentJvm b = own(agent(
                "big-b",
                hostB,
                registryPort,
                LoopbackAddresses.freePort(hostB),
                seed,
                List.of("--store=oci-layout", "--oci-layout-dir=" + empty.dir())));

        // Local: sendfile from the layout.
        assertThat(fetchConcurrently(a.registryUrl + path, false)).containsOnly(layer.digest());
        // Through a peer: B holds nothing and relays A's body, hashing it.
        await().atMost(Duration.ofSeconds(30)).until(() -> head(b.registryUrl + path) == 200);
        assertThat(fetchConcurrently(b.registryUrl + path, false)).containsOnly(layer.digest());

        // In flight: C's containerd pulls the layer over a slow upstream link; peers stream it from C meanwhile.
        DistributionRegistry registry = own(DistributionRegistry.create().start());
        TapProxy upstream = own(TapProxy.to(registry.address()));
        TestImages.push(layout, "1.0", registry.hostPort() + "/" + image.repository() + ":1.0", false);
        upstream.throttle(64L << 20);
        ContainerdDaemon containerd = own(ContainerdDaemon.create().start());
        InetAddress hostC = LoopbackAddresses.nextAddress();
        int routerC = LoopbackAddresses.freePort(hostC);
        AgentJvm c = own(agent(
                "big-c",
                hostC,
                registryPort,
                routerC,
                "/ip4/" + hostC.getHostAddress() + "/tcp/" + routerC,
                List.of(
                        "--store=containerd",
                        "--containerd-sock=" + containerd.socket(),
                        "--containerd-content-path=" + containerd.contentDir())));
        new MirrorConfiguration(containerd.certsDir())
                .write(List.of(upstream.url()), List.of(c.registryUrl), true, false, null);
        Thread pull = Thread.ofVirtual()
                .start(() -> containerd.ctr(
                        "image",
                        "pull",
                        "--hosts-dir",
                        containerd.certsDir().toString(),
                        image.reference(upstream.hostPort())));
        IngestDirectory ingests = new IngestDirectory(containerd.contentDir(), Duration.ofSeconds(30));
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> ingests.find(Digest.parse(layer.digest()))
                                .map(Arrival::size)
                                .orElse(0L)
                        > 0);
        List<String> inFlight = fetchConcurrently(c.registryUrl + path + "?ns=" + upstream.hostPort(), true);
        pull.join(Duration.ofMinutes(3));
        assertThat(inFlight).containsOnly(layer.digest());

        for (AgentJvm agent : List.of(a, b, c)) {
            assertThat(agent.status(agent.registryUrl + "/livez"))
                    .as(agent.logTail())
                    .isEqualTo(200);
            assertThat(agent.logText()).doesNotContain("OutOfMemoryError");
        }
    }

    @Test
    void theDemoImageGeneratorWritesALayerLargerThanItsHeap() throws Exception {
        Path out = TempDirs.create("big-demo-image");
        long size = 96L << 20; // the packaged heap is 64 MiB: the demo once built the layer in memory and died here
        Exec.Result r = Exec.run(
                Duration.ofMinutes(3),
                Map.of(),
                AgentJvm.command("demo-image", "--out", out.toString(), "--layer-size", Long.toString(size)));
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stderr()).doesNotContain("OutOfMemoryError");
        String manifest = r.stdout().strip();
        Path blobs = out.resolve("blobs/sha256");
        assertThat("sha256:" + OciLayout.sha256(blobs.resolve(manifest.substring("sha256:".length()))))
                .isEqualTo(manifest);
        try (var files = Files.list(blobs)) {
            List<Path> all = files.toList();
            assertThat(all).hasSize(3);
            Path layer = all.stream()
                    .max(java.util.Comparator.comparingLong(BigBlobBoundedMemoryE2ETest::size))
                    .orElseThrow();
            assertThat(size(layer)).isGreaterThan(size); // random data does not compress
            assertThat(OciLayout.sha256(layer)).isEqualTo(layer.getFileName().toString());
        }
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static AgentJvm agent(
            String name, InetAddress host, int registryPort, int routerPort, String seed, List<String> store) {
        String h = host.getHostAddress();
        List<String> flags = new ArrayList<>(store);
        flags.addAll(List.of(
                "--router-addr=" + h + ":" + routerPort,
                "--bootstrap-kind=static",
                "--static-bootstrap-peers=" + seed,
                "--mirror-resolve-timeout=200ms"));
        return new AgentJvm(name, h + ":" + registryPort, h + ":" + LoopbackAddresses.freePort(host), flags);
    }

    private int head(String url) throws Exception {
        return http.send(
                        HttpRequest.newBuilder(URI.create(url))
                                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    /** {@link #CLIENTS} GETs at once, each on its own connection; each result is the digest of the body received. */
    private static List<String> fetchConcurrently(String url, boolean asPeer) throws Exception {
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                Callable<String> fetch = () -> fetch(url, asPeer);
                results.add(pool.submit(fetch));
            }
            List<String> digests = new ArrayList<>();
            for (Future<String> f : results) {
                digests.add(f.get());
            }
            return digests;
        }
    }

    private static String fetch(String url, boolean asPeer) throws Exception {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(url));
        if (asPeer) {
            req.header("X-Spegel-Mirrored", "true"); // a peer's request: served from the arriving ingest
        }
        HttpResponse<InputStream> r =
                HttpClient.newHttpClient().send(req.build(), HttpResponse.BodyHandlers.ofInputStream());
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        long n = 0;
        try (InputStream in = r.body()) {
            byte[] buf = new byte[64 * 1024];
            for (int k; (k = in.read(buf)) > 0; ) {
                sha.update(buf, 0, k);
                n += k;
            }
        }
        return (r.statusCode() == 200 ? "" : r.statusCode() + ":" + n + ":") + "sha256:"
                + HexFormat.of().formatHex(sha.digest());
    }
}
