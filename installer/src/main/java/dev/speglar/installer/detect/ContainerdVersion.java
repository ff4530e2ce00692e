package dev.speglar.installer.detect;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A containerd release number. {@link #parse} accepts the forms seen in the wild: {@code v2.1.4}, {@code 1.7.27},
 * {@code 1.6.20~ds1-1+b1} (Debian), {@code 2.0.5-k3s1} (K3s), and whole {@code containerd --version} lines.
 */
public record ContainerdVersion(int major, int minor, int patch) implements Comparable<ContainerdVersion> {

    private static final Pattern NUMBER = Pattern.compile("(?:^|[\\s:v])v?(\\d{1,3})\\.(\\d{1,3})(?:\\.(\\d{1,4}))?");

    public ContainerdVersion {
        if (major < 0 || minor < 0 || patch < 0) {
            throw new IllegalArgumentException("version components must be >= 0");
        }
    }

    public static ContainerdVersion of(int major, int minor, int patch) {
        return new ContainerdVersion(major, minor, patch);
    }

    /**
     * Parses a version string or a {@code containerd --version} line. For a full line the version is the third field
     * ("containerd &lt;module&gt; &lt;version&gt; &lt;sha&gt;").
     */
    public static Optional<ContainerdVersion> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String s = text.strip();
        String[] fields = s.split("\\s+");
        if (fields.length >= 3 && fields[0].equals("containerd")) {
            s = fields[2];
        }
        // Debian epochs ("1:1.7.24~ds1-1") put a colon before the version.
        Matcher m = NUMBER.matcher(" " + s);
        if (!m.find()) {
            return Optional.empty();
        }
        int patch = m.group(3) == null ? 0 : Integer.parseInt(m.group(3));
        return Optional.of(new ContainerdVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), patch));
    }

    public boolean atLeast(int major, int minor) {
        return compareTo(new ContainerdVersion(major, minor, 0)) >= 0;
    }

    /** The highest config schema this release reads (2 for 1.x, 3 for 2.0–2.2, 4 for 2.3+). */
    public int maxConfigSchema() {
        if (major < 2) {
            return 2;
        }
        return atLeast(2, 3) ? 4 : 3;
    }

    @Override
    public int compareTo(ContainerdVersion o) {
        int c = Integer.compare(major, o.major);
        if (c == 0) {
            c = Integer.compare(minor, o.minor);
        }
        return c != 0 ? c : Integer.compare(patch, o.patch);
    }

    @Override
    public String toString() {
        return major + "." + minor + "." + patch;
    }
}
