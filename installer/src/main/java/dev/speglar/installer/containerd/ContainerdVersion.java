package dev.speglar.installer.containerd;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A containerd release number; decides the config schema and the transfer-service trap. {@link #parse} accepts the
 * forms seen in the wild: {@code v2.1.4}, {@code 1.7.27}, {@code 1.6.20~ds1-1+b1} and {@code 1:1.7.24~ds1-1} (Debian,
 * with epoch), {@code 2.0.5-k3s1} (K3s), and whole {@code containerd --version} lines.
 */
public record ContainerdVersion(int major, int minor, int patch) implements Comparable<ContainerdVersion> {

    // A Debian epoch ("1:") or a "v" may precede the number.
    private static final Pattern NUMBER = Pattern.compile("(?:^|[\\s:v])v?(\\d{1,3})\\.(\\d{1,3})(?:\\.(\\d{1,4}))?");

    public ContainerdVersion {
        if (major < 1 || minor < 0 || patch < 0) {
            throw new IllegalArgumentException("invalid containerd version " + major + "." + minor + "." + patch);
        }
    }

    public static ContainerdVersion of(int major, int minor, int patch) {
        return new ContainerdVersion(major, minor, patch);
    }

    /** Parses a version or a {@code containerd --version} line; throws with the text when there is none. */
    public static ContainerdVersion parse(String text) {
        return find(text)
                .orElseThrow(() -> new IllegalArgumentException(
                        "cannot parse a containerd version from: " + (text == null ? "" : text.strip())));
    }

    /**
     * The version in a version string or a {@code containerd --version} line ("containerd &lt;module&gt;
     * &lt;version&gt; &lt;sha&gt;": the third field), or empty.
     */
    public static Optional<ContainerdVersion> find(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String s = text.strip();
        String[] fields = s.split("\\s+");
        if (fields.length >= 3 && fields[0].equals("containerd")) {
            s = fields[2];
        }
        Matcher m = NUMBER.matcher(" " + s);
        if (!m.find() || Integer.parseInt(m.group(1)) < 1) {
            return Optional.empty();
        }
        int patch = m.group(3) == null ? 0 : Integer.parseInt(m.group(3));
        return Optional.of(new ContainerdVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), patch));
    }

    public boolean atLeast(int maj, int min) {
        return major > maj || (major == maj && minor >= min);
    }

    /**
     * The one schema rule: the highest config {@code version} this release reads — 2 for 1.x, 3 for 2.0–2.2, 4 for
     * 2.3+ (containerd refuses a file that declares a newer one).
     */
    public int maxConfigSchema() {
        if (major < 2) {
            return 2;
        }
        return atLeast(2, 3) ? 4 : 3;
    }

    /** The schema the installer writes: the highest this release reads, capped at 3 (v4 only moves server sections). */
    public int schema() {
        return Math.min(maxConfigSchema(), 3);
    }

    /** 1.x replaces whole plugin tables on import; 2.x deep-merges. */
    public boolean importsReplacePluginTables() {
        return major < 2;
    }

    /** From 2.1 CRI pulls go through the transfer service, which reads config_path as one directory. */
    public boolean hasTransferServicePull() {
        return atLeast(2, 1);
    }

    @Override
    public int compareTo(ContainerdVersion o) {
        int c = Integer.compare(major, o.major);
        if (c == 0) c = Integer.compare(minor, o.minor);
        return c != 0 ? c : Integer.compare(patch, o.patch);
    }

    @Override
    public String toString() {
        return major + "." + minor + "." + patch;
    }
}
