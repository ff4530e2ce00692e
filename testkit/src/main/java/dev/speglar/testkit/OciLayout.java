package dev.speglar.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Reads and extends an OCI image layout directory (index.json + blobs/sha256). JSON is queried with jq so the testkit
 * stays free of a JSON library; every descriptor read is checked against the SHA-256 of the file it names.
 */
public final class OciLayout {
    public static final String MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    public static final String INDEX = "application/vnd.oci.image.index.v1+json";
    public static final String CONFIG = "application/vnd.oci.image.config.v1+json";
    public static final String LAYER_TAR = "application/vnd.oci.image.layer.v1.tar";
    private static final String REF_NAME = "org.opencontainers.image.ref.name";
    private static final Duration JQ_TIMEOUT = Duration.ofSeconds(20);

    private final Path dir;

    public OciLayout(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    public Path blob(String digest) {
        return dir.resolve("blobs/sha256").resolve(digest.substring("sha256:".length()));
    }

    /** Creates an empty layout (oci-layout marker, empty index). */
    public static OciLayout init(Path dir) {
        try {
            Files.createDirectories(dir.resolve("blobs/sha256"));
            Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
            Files.writeString(dir.resolve("index.json"), "{\"schemaVersion\":2,\"manifests\":[]}");
            return new OciLayout(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stores {@code bytes} as a blob and returns its descriptor. */
    public BlobInfo writeBlob(byte[] bytes, String mediaType) {
        BlobInfo info = new BlobInfo("sha256:" + sha256(bytes), bytes.length, mediaType);
        try {
            Files.write(blob(info.digest()), bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return info;
    }

    /** Moves a file already written elsewhere in the layout into place under its digest name. */
    public BlobInfo adoptBlob(Path tmp, String digest, String mediaType) {
        try {
            long size = Files.size(tmp);
            Files.move(tmp, blob(digest), StandardCopyOption.REPLACE_EXISTING);
            return new BlobInfo(digest, size, mediaType);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Adds a ref-named entry (a tag) for {@code target} to index.json. */
    public void tag(BlobInfo target, String refName) {
        String entry = "{\"mediaType\":\"%s\",\"digest\":\"%s\",\"size\":%d,\"annotations\":{\"%s\":\"%s\"}}"
                .formatted(target.mediaType(), target.digest(), target.size(), REF_NAME, refName);
        String updated = jq(".manifests += [" + entry + "]", dir.resolve("index.json"));
        try {
            Files.writeString(dir.resolve("index.json"), updated);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The descriptor index.json holds under {@code refName}, checked against the file. */
    public BlobInfo resolve(String refName) {
        String line = jq(
                        "-r",
                        ".manifests[] | select(.annotations[\"" + REF_NAME + "\"] == \"" + refName
                                + "\") | \"\\(.digest) \\(.size) \\(.mediaType)\"",
                        dir.resolve("index.json"))
                .strip();
        if (line.isEmpty() || line.contains("\n")) {
            throw new IllegalStateException(
                    "expected exactly one entry '" + refName + "' in " + dir + "/index.json: " + line);
        }
        return verified(line);
    }

    /** Reads an image manifest and checks every blob it references. */
    public ImageFixture image(BlobInfo manifest, String repository, String tag) {
        Path file = blob(manifest.digest());
        BlobInfo config = verified(jq("-r", ".config | \"\\(.digest) \\(.size) \\(.mediaType)\"", file)
                .strip());
        List<BlobInfo> layers = new ArrayList<>();
        for (String line : jq("-r", ".layers[] | \"\\(.digest) \\(.size) \\(.mediaType)\"", file)
                .strip()
                .split("\n")) {
            layers.add(verified(line));
        }
        return new ImageFixture(repository, tag, manifest, config, layers, dir);
    }

    private BlobInfo verified(String digestSizeType) {
        String[] parts = digestSizeType.split(" ", 3);
        BlobInfo info = new BlobInfo(parts[0], Long.parseLong(parts[1]), parts[2]);
        Path file = blob(info.digest());
        try {
            if (Files.size(file) != info.size() || !("sha256:" + sha256(file)).equals(info.digest())) {
                throw new IllegalStateException("blob file does not match its descriptor: " + file + " vs " + info);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return info;
    }

    private static String jq(String filter, Path file) {
        return Exec.check(JQ_TIMEOUT, "jq", "-c", filter, file.toString());
    }

    private static String jq(String flag, String filter, Path file) {
        return Exec.check(JQ_TIMEOUT, "jq", flag, filter, file.toString());
    }

    public static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(digester().digest(bytes));
    }

    public static String sha256(Path file) {
        MessageDigest md = digester();
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    static MessageDigest digester() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
