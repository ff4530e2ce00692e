package dev.speglar.store.layout;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * What polling compares to notice a change: index.json's identity, size and mtime, and the mtime of each
 * {@code blobs/<alg>} directory (a directory's mtime changes when a file is added or removed in it). A handful of
 * stat calls, so polling every few hundred milliseconds costs nothing measurable.
 */
record LayoutStamp(List<String> parts) {

    static LayoutStamp of(Path dir) throws IOException {
        List<String> parts = new ArrayList<>();
        parts.add(describe(dir.resolve("index.json")));
        Path blobs = dir.resolve("blobs");
        parts.add(describe(blobs));
        if (Files.isDirectory(blobs)) {
            try (DirectoryStream<Path> algs = Files.newDirectoryStream(blobs)) {
                for (Path alg : algs) {
                    parts.add(alg.getFileName() + "=" + describe(alg));
                }
            }
        }
        parts.sort(null);
        return new LayoutStamp(List.copyOf(parts));
    }

    private static String describe(Path p) throws IOException {
        try {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
            return a.fileKey() + "/" + a.size() + "/" + a.lastModifiedTime();
        } catch (NoSuchFileException e) {
            return "-";
        }
    }
}
