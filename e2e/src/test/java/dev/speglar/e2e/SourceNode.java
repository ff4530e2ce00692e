package dev.speglar.e2e;

import dev.speglar.testkit.BigImages;
import dev.speglar.testkit.ContainerdDaemon;
import dev.speglar.testkit.DistributionRegistry;
import dev.speglar.testkit.ImageFixture;
import dev.speglar.testkit.OciLayout;
import dev.speglar.testkit.TempDirs;
import dev.speglar.testkit.TestImages;
import java.nio.file.Path;

/**
 * The node that already has the images: an upstream registry holding library/test:1.0, library/multi:1.0 and a
 * throw-away library/gone:1.0, and a containerd that pulled all three from it. Agents under test serve this
 * containerd's content. The upstream is stopped once the pulls are done, so only an agent can serve a pull.
 * One instance per test JVM (setup costs seconds); tests may remove library/gone:1.0 but nothing else.
 */
final class SourceNode implements AutoCloseable {
    private static SourceNode shared;

    final DistributionRegistry upstream;
    final TestImages images;
    final ImageFixture gone;
    final ContainerdDaemon containerd;
    private final Path goneDir;

    private SourceNode(
            DistributionRegistry upstream,
            TestImages images,
            ImageFixture gone,
            Path goneDir,
            ContainerdDaemon containerd) {
        this.upstream = upstream;
        this.images = images;
        this.gone = gone;
        this.goneDir = goneDir;
        this.containerd = containerd;
    }

    static synchronized SourceNode shared() {
        if (shared == null) {
            shared = start();
            shared.upstream.stop();
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close, "speglar-e2e-source"));
        }
        return shared;
    }

    private static SourceNode start() {
        DistributionRegistry upstream = DistributionRegistry.create().start();
        TestImages images = TestImages.shared().pushTo(upstream);
        Path goneDir = TempDirs.create("gone");
        OciLayout layout = OciLayout.init(goneDir);
        // Unique bytes (own seed) so removing it frees content no other image shares.
        ImageFixture gone = BigImages.generate(layout, "library/gone", "1.0", 1, 64 * 1024, System.nanoTime());
        TestImages.push(layout, "1.0", gone.reference(upstream.hostPort()), false);

        ContainerdDaemon containerd = ContainerdDaemon.create().start();
        containerd.writeHostsToml(upstream.hostPort(), "server = \"" + upstream.url() + "\"\n");
        for (String ref : new String[] {
            images.test().reference(upstream.hostPort()),
            images.multi().reference(upstream.hostPort()),
            gone.reference(upstream.hostPort())
        }) {
            containerd.ctr(
                    "images", "pull", "--hosts-dir", containerd.certsDir().toString(), ref);
        }
        return new SourceNode(upstream, images, gone, goneDir, containerd);
    }

    /** Agent flags that serve this node's containerd. */
    String[] storeFlags() {
        return new String[] {
            "--store=containerd",
            "--containerd-sock=" + containerd.socket(),
            "--containerd-namespace=" + ContainerdDaemon.NAMESPACE,
            "--containerd-content-path=" + containerd.contentDir()
        };
    }

    /** "127.0.0.x:port" of the upstream: the registry part of the references and containerd's ns=. */
    String registryHost() {
        return upstream.hostPort();
    }

    @Override
    public void close() {
        containerd.close();
        upstream.close();
        TempDirs.deleteRecursively(goneDir);
    }
}
