package dev.speglar.agent.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.speglar.agent.Main;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generated image is streamed to disk: its blobs, sizes and diff_id must still be exactly right. */
class DemoImageCommandTest {
    @TempDir
    Path dir;

    @Test
    void layerIsAValidGzipTarWhoseDigestSizeAndDiffIdMatchTheManifestAndConfig() throws Exception {
        long size = 3_000_001; // not a multiple of the tar block: padding must be right
        assertThat(Main.run("demo-image", "--out", dir.toString(), "--layer-size", Long.toString(size)))
                .isZero();
        Path blobs = dir.resolve("blobs/sha256");
        try (Stream<Path> files = Files.list(blobs)) {
            for (Path f : files.toList()) {
                assertThat(sha256(Files.newInputStream(f)))
                        .isEqualTo(f.getFileName().toString());
                assertThat(Files.getPosixFilePermissions(f)).contains(PosixFilePermission.OTHERS_READ);
            }
        }
        String index = Files.readString(dir.resolve("index.json"));
        String manifest = Files.readString(blobs.resolve(hex(first(index, "\"digest\":\"(sha256:[0-9a-f]{64})\""))));
        Matcher layer = Pattern.compile("tar\\+gzip\",\"digest\":\"sha256:([0-9a-f]{64})\",\"size\":(\\d+)")
                .matcher(manifest);
        assertThat(layer.find()).isTrue();
        Path layerFile = blobs.resolve(layer.group(1));
        assertThat(Files.size(layerFile)).isEqualTo(Long.parseLong(layer.group(2)));
        String config = Files.readString(
                blobs.resolve(hex(first(manifest, "\"config\":\\{[^}]*\"digest\":\"(sha256:[0-9a-f]{64})\""))));
        String diffId = first(config, "\"diff_ids\":\\[\"(sha256:[0-9a-f]{64})\"");
        assertThat("sha256:" + sha256(new GZIPInputStream(Files.newInputStream(layerFile))))
                .isEqualTo(diffId);
        // The tar: hello.txt (1 block + 1 block of data), then random.bin's header and its bytes, then the end blocks.
        try (InputStream tar = new GZIPInputStream(Files.newInputStream(layerFile))) {
            tar.skipNBytes(1024);
            byte[] header = tar.readNBytes(512);
            assertThat(new String(header, 0, 15, java.nio.charset.StandardCharsets.US_ASCII))
                    .isEqualTo("data/random.bin");
            assertThat(Long.parseLong(new String(header, 124, 11, java.nio.charset.StandardCharsets.US_ASCII), 8))
                    .isEqualTo(size);
            tar.skipNBytes(size + (512 - size % 512) % 512);
            assertThat(tar.readAllBytes()).hasSize(1024).containsOnly(0);
        }
    }

    @Test
    void aLayerSizeBeyondWhatTarCanRecordIsRefused() {
        assertThat(Main.run("demo-image", "--out", dir.toString(), "--layer-size", Long.toString(1L << 33)))
                .isEqualTo(2);
    }

    private static String first(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertThat(m.find()).as(regex + " in " + text).isTrue();
        return m.group(1);
    }

    private static String hex(String digest) {
        return digest.substring("sha256:".length());
    }

    private static String sha256(InputStream in) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (InputStream d = new DigestInputStream(in, md)) {
            d.transferTo(java.io.OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
