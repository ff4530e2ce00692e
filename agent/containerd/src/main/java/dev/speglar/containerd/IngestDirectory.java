package dev.speglar.containerd;

import dev.speglar.oci.Digest;
import dev.speglar.store.Arrival;
import dev.speglar.store.ArrivingContent;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * containerd's active ingests read from its content root: {@code ingest/<hash>/} holds {@code ref}, {@code total} and
 * the growing {@code data}. containerd opens the ingest (with the expected size) before it requests the blob, so an
 * ingest exists from the moment a pull decides to fetch. An ingest counts as live while its data changed (mtime; the
 * creation time before the first byte) within the stall bound; an abandoned one (a killed pull leaves it behind for a
 * later resume) is not advertised, but {@link #find} still returns it.
 */
public final class IngestDirectory implements ArrivingContent {
    private final Path ingestRoot;
    private final long stallNanos;
    /** Parsed ingests by directory name: ref and total never change for an ingest directory. */
    private final Map<String, Arrival> known = new ConcurrentHashMap<>();

    /** @param contentRoot containerd's {@code io.containerd.content.v1.content} directory */
    public IngestDirectory(Path contentRoot, Duration stall) {
        this.ingestRoot = contentRoot.resolve("ingest");
        this.stallNanos = stall.toNanos();
    }

    @Override
    public List<Arrival> arrivals() {
        return scan(true);
    }

    private List<Arrival> scan(boolean liveOnly) {
        List<Arrival> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(ingestRoot)) {
            for (Path dir : dirs) {
                String name = dir.getFileName().toString();
                seen.add(name);
                Arrival a = known.get(name);
                if (a == null) {
                    a = read(dir).orElse(null);
                    if (a == null) {
                        continue; // not (yet) complete, or not a blob: looked at again next time
                    }
                    known.put(name, a);
                }
                if (liveOnly ? live(a) : Files.isRegularFile(a.data())) {
                    out.add(a);
                }
            }
        } catch (NoSuchFileException e) {
            // no ingest yet
        } catch (IOException e) {
            return List.of();
        }
        known.keySet().retainAll(seen);
        return out;
    }

    @Override
    public Optional<Arrival> find(Digest digest) {
        for (Arrival a : scan(false)) {
            if (a.digest().equals(digest)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }

    private boolean live(Arrival a) {
        try {
            long modified = Files.getLastModifiedTime(a.data()).toMillis();
            return System.currentTimeMillis() - modified < stallNanos / 1_000_000;
        } catch (IOException e) {
            return false; // committed or removed
        }
    }

    private static Optional<Arrival> read(Path dir) {
        try {
            Optional<IngestRef> ref = IngestRef.parse(Files.readString(dir.resolve("ref")));
            if (ref.isEmpty()) {
                return Optional.empty();
            }
            long total = Long.parseLong(Files.readString(dir.resolve("total")).strip());
            Path data = dir.resolve("data");
            if (total <= 0 || !Files.isRegularFile(data)) {
                return Optional.empty();
            }
            return Optional.of(new Arrival(ref.get().digest(), total, data, System.nanoTime()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }
}
