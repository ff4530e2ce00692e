package dev.speglar.installer.install;

import dev.speglar.common.files.AtomicFiles;
import dev.speglar.installer.detect.HostRoot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Record of everything an install touched, kept under {@code /var/lib/speglar/installer}: the original bytes of
 * each file (or that it was absent), directories created, and Kubernetes objects applied. Originals are recorded
 * once, by the first install that touches a file, so repeated installs never lose them; uninstall replays it.
 */
public final class Manifest {

    public static final String STATE_DIR = "/var/lib/speglar/installer";
    private static final String HEADER = "# speglar installer manifest v1";

    /**
     * One touched resource. {@code backup} is the backup file name (null when the file did not exist, or the
     * previous state of a Kubernetes object); {@code kind} says what the file is for.
     */
    public record Entry(String type, String target, String backup, String kind, String writtenSha256) {
        public Entry {
            if (!List.of("file", "dir", "k8s").contains(type))
                throw new IllegalArgumentException("unknown manifest entry " + type);
            if (target.contains("\t") || target.contains("\n"))
                throw new IllegalArgumentException("bad manifest target " + target);
            kind = kind == null ? "-" : kind;
            writtenSha256 = writtenSha256 == null ? "-" : writtenSha256;
        }
    }

    private final HostRoot root;
    private final List<Entry> entries;

    private Manifest(HostRoot root, List<Entry> entries) {
        this.root = root;
        this.entries = entries;
    }

    public static Manifest load(HostRoot root) throws IOException {
        Path file = root.resolve(STATE_DIR + "/manifest");
        List<Entry> entries = new ArrayList<>();
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.isBlank() || line.startsWith("#")) continue;
                String[] f = line.split("\t", -1);
                if (f.length != 5) throw new IOException("corrupt manifest line in " + file + ": " + line);
                entries.add(new Entry(f[0], f[1], f[2].equals("-") ? null : f[2], f[3], f[4]));
            }
        }
        return new Manifest(root, entries);
    }

    public boolean exists() {
        return Files.exists(root.resolve(STATE_DIR + "/manifest"));
    }

    public List<Entry> entries() {
        return List.copyOf(entries);
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    public Optional<Entry> find(String type, String target) {
        return entries.stream()
                .filter(e -> e.type.equals(type) && e.target.equals(target))
                .findFirst();
    }

    /** The state directory's own missing ancestors are recorded, so uninstall leaves no directory behind. */
    private void prepare() {
        List<String> missing = new ArrayList<>();
        for (Path p = root.resolve(STATE_DIR); p != null && !Files.exists(p); p = p.getParent())
            missing.add(root.nodePath(p));
        for (String d : missing) {
            if (find("dir", d).isEmpty()) entries.addFirst(new Entry("dir", d, null, "-", null));
        }
    }

    /** Records a file's original content before the first change to it; saves a backup copy. */
    public void recordFile(String nodePath, byte[] original, FileChange.Kind kind) throws IOException {
        if (find("file", nodePath).isPresent()) return;
        prepare();
        String backup = null;
        if (original != null) {
            backup = String.format("%04d", entries.size() + 1);
            AtomicFiles.write(backupPath(backup), original, "rw-------");
        }
        entries.add(new Entry("file", nodePath, backup, kind.name(), null));
        save();
    }

    /** Remembers the hash of what an install wrote, so uninstall can tell when someone changed the file since. */
    public void recordWritten(String nodePath, byte[] content) throws IOException {
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            if (e.type.equals("file") && e.target.equals(nodePath)) {
                entries.set(i, new Entry(e.type, e.target, e.backup, e.kind, FileChange.sha256(content)));
                save();
                return;
            }
        }
        throw new IllegalStateException("no manifest entry for " + nodePath);
    }

    public void recordDir(String nodePath) throws IOException {
        if (find("dir", nodePath).isPresent()) return;
        prepare();
        entries.add(new Entry("dir", nodePath, null, "-", null));
        save();
    }

    /** Records a Kubernetes object before its first change; {@code previous} is its YAML, null when it did not exist. */
    public void recordK8s(String ref, byte[] previous) throws IOException {
        if (find("k8s", ref).isPresent()) return;
        prepare();
        String backup = null;
        if (previous != null) {
            backup = String.format("%04d", entries.size() + 1);
            AtomicFiles.write(backupPath(backup), previous, "rw-------");
        }
        entries.add(new Entry("k8s", ref, backup, "-", null));
        save();
    }

    public byte[] backup(Entry e) throws IOException {
        return e.backup == null ? null : Files.readAllBytes(backupPath(e.backup));
    }

    public Path backupPath(String name) {
        return root.resolve(STATE_DIR + "/backup/" + name);
    }

    public void save() throws IOException {
        Path file = root.resolve(STATE_DIR + "/manifest");
        StringBuilder sb = new StringBuilder(HEADER).append('\n');
        for (Entry e : entries) {
            sb.append(e.type)
                    .append('\t')
                    .append(e.target)
                    .append('\t')
                    .append(e.backup == null ? "-" : e.backup)
                    .append('\t')
                    .append(e.kind)
                    .append('\t')
                    .append(e.writtenSha256)
                    .append('\n');
        }
        AtomicFiles.write(file, sb.toString().getBytes(StandardCharsets.UTF_8), "rw-------");
    }

    /**
     * Removes the manifest and backups, then every directory the installs created (deepest first) if it is empty.
     * Call only after all files were restored.
     */
    public void discard() throws IOException {
        Path state = root.resolve(STATE_DIR);
        if (Files.exists(state)) {
            try (var walk = Files.walk(state)) {
                for (Path p : walk.sorted((a, b) -> b.getNameCount() - a.getNameCount())
                        .toList()) Files.deleteIfExists(p);
            }
        }
        List<Path> dirs = entries.stream()
                .filter(e -> e.type.equals("dir"))
                .map(e -> root.resolve(e.target))
                .sorted((a, b) -> b.getNameCount() - a.getNameCount())
                .toList();
        for (Path d : dirs) {
            if (!Files.isDirectory(d)) continue;
            try (var s = Files.list(d)) {
                if (s.findAny().isPresent()) continue;
            }
            Files.delete(d);
        }
        entries.clear();
    }
}
