package dev.speglar.installer.containerd;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A containerd release number; decides the config schema and the transfer-service trap. */
public record ContainerdVersion(int major, int minor, int patch) implements Comparable<ContainerdVersion> {

    private static final Pattern NUMBER = Pattern.compile("^v?(\\d+)\\.(\\d+)(?:\\.(\\d+))?");

    public ContainerdVersion {
        if (major < 1 || minor < 0 || patch < 0) {
            throw new IllegalArgumentException("invalid containerd version " + major + "." + minor + "." + patch);
        }
    }

    /**
     * Parses {@code containerd --version} output (third field, e.g. {@code 1.6.20~ds1}, {@code v2.1.4},
     * {@code 1.7.27-k3s1}) or a bare version string.
     */
    public static ContainerdVersion parse(String text) {
        String trimmed = text.strip();
        String[] fields = trimmed.split("\\s+");
        String candidate = fields.length >= 3 && fields[0].equals("containerd") ? fields[2] : fields[0];
        Matcher m = NUMBER.matcher(candidate);
        if (!m.find()) {
            throw new IllegalArgumentException("cannot parse a containerd version from: " + trimmed);
        }
        return new ContainerdVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                m.group(3) == null ? 0 : Integer.parseInt(m.group(3)));
    }

    public boolean atLeast(int maj, int min) {
        return major > maj || (major == maj && minor >= min);
    }

    /** Config schema written for this binary: 2 for 1.x, 3 for every 2.x (v4 is never needed for CRI keys). */
    public int schema() {
        return major >= 2 ? 3 : 2;
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
