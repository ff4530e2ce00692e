package dev.speglar.containerd;

import dev.speglar.containerd.cri.CriClient;
import dev.speglar.testkit.ContainerdDaemon;
import dev.speglar.testkit.DistributionRegistry;
import dev.speglar.testkit.Exec;
import dev.speglar.testkit.TestImages;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A real containerd 1.6 daemon (testkit) that pulls from a real distribution registry holding the offline-built test
 * images. Missing binaries make the testkit throw: these tests fail loudly, never skip.
 */
final class RealContainerd implements AutoCloseable {
    static final Duration PULL_TIMEOUT = Duration.ofSeconds(60);
    private static DistributionRegistry registry;

    final ContainerdDaemon daemon;
    final CriClient cri;

    /** One registry per JVM, images pushed once. */
    static synchronized DistributionRegistry registry() {
        if (registry == null) {
            registry = DistributionRegistry.create().start();
            TestImages.shared().pushTo(registry);
            DistributionRegistry r = registry;
            Runtime.getRuntime().addShutdownHook(new Thread(r::close));
        }
        return registry;
    }

    RealContainerd() {
        DistributionRegistry reg = registry();
        daemon = ContainerdDaemon.create().start();
        // Plain HTTP to the loopback registry, for CRI pulls (config_path) and ctr --hosts-dir alike.
        daemon.writeHostsToml(reg.hostPort(), """
        server = "http://%1$s"
        [host."http://%1$s"]
          capabilities = ["pull", "resolve"]
        """.formatted(reg.hostPort()));
        cri = CriClient.connect(daemon.socket(), Duration.ofSeconds(10));
    }

    /** {@code registry/library/multi:1.0}: an OCI index; a CRI pull keeps only the amd64 manifest. */
    String multiRef() {
        return registry().hostPort() + "/" + TestImages.MULTI_REPOSITORY + ":" + TestImages.TAG;
    }

    String testRef() {
        return registry().hostPort() + "/" + TestImages.TEST_REPOSITORY + ":" + TestImages.TAG;
    }

    String criPull(String ref) throws ContainerdException {
        return cri.pullImage(ref, PULL_TIMEOUT);
    }

    /** {@code ctr -n <namespace> images pull}, e.g. into Docker's {@code moby} namespace. */
    void ctrPull(String namespace, String ref) {
        Exec.run(
                        PULL_TIMEOUT,
                        Map.of(),
                        List.of(
                                "ctr",
                                "-a",
                                daemon.socket().toString(),
                                "-n",
                                namespace,
                                "images",
                                "pull",
                                "--hosts-dir",
                                daemon.certsDir().toString(),
                                ref))
                .check();
    }

    void ctr(String namespace, String... args) {
        var cmd = new java.util.ArrayList<>(List.of("ctr", "-a", daemon.socket().toString(), "-n", namespace));
        cmd.addAll(List.of(args));
        Exec.run(PULL_TIMEOUT, Map.of(), cmd).check();
    }

    @Override
    public void close() {
        cri.close();
        daemon.close();
    }
}
