package dev.speglar.testkit;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Builds the standard test images offline with umoci (no network): {@code library/test:1.0}, a runnable busybox image
 * with 2 layers + config, and {@code library/multi:1.0}, an OCI index over amd64 and arm64 manifests. The images live in
 * one OCI layout directory; {@link #pushTo} copies them into a registry with skopeo, digests unchanged.
 */
public final class TestImages {
    public static final String TEST_REPOSITORY = "library/test";
    public static final String MULTI_REPOSITORY = "library/multi";
    public static final String TAG = "1.0";
    private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(120);
    private static TestImages shared;

    private final OciLayout layout;
    private final ImageFixture test;
    private final IndexFixture multi;

    private TestImages(OciLayout layout, ImageFixture test, IndexFixture multi) {
        this.layout = layout;
        this.test = test;
        this.multi = multi;
    }

    /** One build per JVM (about a second), in a temp dir removed at exit. */
    public static synchronized TestImages shared() {
        if (shared == null) {
            Path dir = TempDirs.create("images");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> TempDirs.deleteRecursively(dir)));
            shared = build(dir);
        }
        return shared;
    }

    /** Builds both images under {@code workDir} (layout in {@code workDir/layout}). */
    public static TestImages build(Path workDir) {
        try {
            Path rootfs = workDir.resolve("rootfs");
            Files.createDirectories(rootfs.resolve("bin"));
            Files.createDirectories(rootfs.resolve("etc"));
            Files.copy(Tools.require("busybox"), rootfs.resolve("bin/busybox"));
            for (String applet : new String[] {"sh", "cat", "ls", "echo"}) {
                Files.createSymbolicLink(rootfs.resolve("bin").resolve(applet), Path.of("busybox"));
            }
            Files.writeString(rootfs.resolve("etc/hello.txt"), "hello from speglar test image\n");
            // 1 MiB of incompressible bytes so layer 1 is big enough to be cut mid-transfer in resume tests.
            Files.write(rootfs.resolve("etc/random.bin"), randomBytes(1 << 20, 42));
            Path layer2 = workDir.resolve("layer2.txt");
            Files.writeString(layer2, "second layer\n");

            String dir = workDir.resolve("layout").toString();
            umoci("init", "--layout", dir);
            umoci("new", "--image", dir + ":" + TAG);
            umoci("insert", "--image", dir + ":" + TAG, rootfs.toString(), "/");
            umoci(
                    "config",
                    "--image",
                    dir + ":" + TAG,
                    "--os",
                    "linux",
                    "--architecture",
                    "amd64",
                    "--config.cmd",
                    "/bin/sh",
                    "--config.cmd",
                    "-c",
                    "--config.cmd",
                    "cat /etc/hello.txt",
                    "--config.env",
                    "PATH=/bin");
            umoci("insert", "--image", dir + ":" + TAG, layer2.toString(), "/etc/layer2.txt");
            // Second platform: same layers, config says arm64 (never run, only pulled with --all-platforms).
            umoci("config", "--image", dir + ":" + TAG, "--architecture", "arm64", "--tag", "arm64");
            umoci("gc", "--layout", dir);

            OciLayout layout = new OciLayout(workDir.resolve("layout"));
            ImageFixture test = layout.image(layout.resolve(TAG), TEST_REPOSITORY, TAG);
            ImageFixture arm = layout.image(layout.resolve("arm64"), MULTI_REPOSITORY, TAG);
            ImageFixture amd = new ImageFixture(
                    MULTI_REPOSITORY, TAG, test.manifest(), test.config(), test.layers(), test.layout());
            String indexJson = """
          {"schemaVersion":2,"mediaType":"%s","manifests":[%s,%s]}""".formatted(
                    OciLayout.INDEX, platformEntry(amd.manifest(), "amd64"), platformEntry(arm.manifest(), "arm64"));
            BlobInfo index = layout.writeBlob(OciLayout.utf8(indexJson), OciLayout.INDEX);
            layout.tag(index, "multi");
            IndexFixture multi =
                    new IndexFixture(MULTI_REPOSITORY, TAG, index, Map.of("linux/amd64", amd, "linux/arm64", arm));
            return new TestImages(layout, test, multi);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String platformEntry(BlobInfo manifest, String arch) {
        return "{\"mediaType\":\"%s\",\"digest\":\"%s\",\"size\":%d,\"platform\":{\"architecture\":\"%s\",\"os\":\"linux\"}}"
                .formatted(manifest.mediaType(), manifest.digest(), manifest.size(), arch);
    }

    public ImageFixture test() {
        return test;
    }

    public IndexFixture multi() {
        return multi;
    }

    public OciLayout layout() {
        return layout;
    }

    /** Copies both images into {@code registry} (which must be running) with skopeo. */
    public TestImages pushTo(DistributionRegistry registry) {
        push(layout, TAG, registry.hostPort() + "/" + TEST_REPOSITORY + ":" + TAG, false);
        push(layout, "multi", registry.hostPort() + "/" + MULTI_REPOSITORY + ":" + TAG, true);
        return this;
    }

    /** {@code skopeo copy oci:<layout>:<ref> docker://<target>}; {@code all} keeps every manifest of an index. */
    public static void push(OciLayout layout, String refName, String target, boolean all) {
        var cmd = new java.util.ArrayList<>(java.util.List.of(
                "skopeo", "--insecure-policy", "copy", "--quiet", "--dest-tls-verify=false", "--preserve-digests"));
        if (all) {
            cmd.add("--all");
        }
        cmd.add("oci:" + layout.dir() + ":" + refName);
        cmd.add("docker://" + target);
        Exec.run(TOOL_TIMEOUT, Map.of(), cmd).check();
    }

    private static void umoci(String... args) {
        String[] cmd = new String[args.length + 1];
        cmd[0] = "umoci";
        System.arraycopy(args, 0, cmd, 1, args.length);
        Exec.check(TOOL_TIMEOUT, cmd);
    }

    /** Deterministic incompressible bytes. */
    static byte[] randomBytes(int size, long seed) {
        byte[] b = new byte[size];
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < size; i += 8) {
            long v = r.nextLong();
            for (int j = 0; j < 8 && i + j < size; j++) {
                b[i + j] = (byte) (v >>> (8 * j));
            }
        }
        return b;
    }

    static void writeRandom(OutputStream out, long size, long seed) throws IOException {
        SplittableRandom r = new SplittableRandom(seed);
        byte[] chunk = new byte[1 << 20];
        for (long left = size; left > 0; ) {
            int n = (int) Math.min(chunk.length, left);
            for (int i = 0; i < n; i += 8) {
                long v = r.nextLong();
                for (int j = 0; j < 8 && i + j < n; j++) {
                    chunk[i + j] = (byte) (v >>> (8 * j));
                }
            }
            out.write(chunk, 0, n);
            left -= n;
        }
    }
}
