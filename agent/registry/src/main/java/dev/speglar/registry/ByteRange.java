package dev.speglar.registry;

import java.util.Optional;

/**
 * A single HTTP byte range as requested ({@code bytes=a-b}, {@code bytes=a-}, {@code bytes=-n}); resolved against a
 * size with {@link #resolve(long)}. Multiple ranges are refused.
 *
 * @param start first byte, or -1 for a suffix range
 * @param end last byte inclusive, or -1 for open-ended
 * @param suffix length of a suffix range, or -1
 */
public record ByteRange(long start, long end, long suffix) {

    /** A range resolved against a size: inclusive bounds. */
    public record Resolved(long first, long last, long size) {
        public long length() {
            return last - first + 1;
        }

        public String contentRange() {
            return "bytes " + first + "-" + last + "/" + size;
        }
    }

    public ByteRange {
        if (suffix >= 0) {
            if (start != -1 || end != -1 || suffix < 1) {
                throw new InvalidRangeException("suffix range must be at least one byte");
            }
        } else {
            if (start < 0) {
                throw new InvalidRangeException("range start must not be negative");
            }
            if (end != -1 && end < start) {
                throw new InvalidRangeException("range start " + start + " is larger than end " + end);
            }
        }
    }

    public static ByteRange from(long start) {
        return new ByteRange(start, -1, -1);
    }

    /** Parses a {@code Range} header value; absent/blank → empty. */
    public static Optional<ByteRange> parse(String header) {
        if (header == null) {
            return Optional.empty();
        }
        String h = header.trim();
        if (!h.startsWith("bytes=")) {
            throw new InvalidRangeException("invalid range unit");
        }
        String spec = h.substring(6).trim();
        if (spec.contains(",")) {
            throw new InvalidRangeException("multiple ranges are not supported");
        }
        int dash = spec.indexOf('-');
        if (dash < 0) {
            throw new InvalidRangeException("invalid range format");
        }
        String a = spec.substring(0, dash).trim();
        String b = spec.substring(dash + 1).trim();
        if (a.isEmpty() && b.isEmpty()) {
            throw new InvalidRangeException("invalid range format");
        }
        if (a.isEmpty()) {
            return Optional.of(new ByteRange(-1, -1, number(b)));
        }
        return Optional.of(new ByteRange(number(a), b.isEmpty() ? -1 : number(b), -1));
    }

    private static long number(String s) {
        if (s.isEmpty() || s.length() > 18 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new InvalidRangeException("invalid range number");
        }
        return Long.parseLong(s);
    }

    /** Resolves against {@code size}; throws {@link InvalidRangeException} when unsatisfiable. */
    public Resolved resolve(long size) {
        if (size <= 0) {
            throw new InvalidRangeException("range over empty content");
        }
        if (suffix >= 0) {
            return new Resolved(size - Math.min(suffix, size), size - 1, size);
        }
        if (start >= size) {
            throw new InvalidRangeException("range start " + start + " is beyond size " + size);
        }
        long last = end == -1 ? size - 1 : Math.min(end, size - 1);
        return new Resolved(start, last, size);
    }

    /** The header value, e.g. {@code bytes=10-}. */
    public String toHeader() {
        if (suffix >= 0) {
            return "bytes=-" + suffix;
        }
        return "bytes=" + start + "-" + (end == -1 ? "" : Long.toString(end));
    }
}
