package dev.speglar.installer.render;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Talos release a patch is rendered for: {@code v1.13.4}, {@code 1.13}, or a pre-release such as
 * {@code v1.14.0-rc.1} (a pre-release of 1.14 gets the 1.14 form: its schema is the one that release ships).
 */
record TalosVersion(int minor, String text) {
    /** Newest stable Talos minor when this was written: the default, so the output works on current stable nodes. */
    static final int NEWEST_STABLE_MINOR = 13;

    private static final Pattern VERSION = Pattern.compile("v?1\\.(\\d{1,2})(\\.\\d+)?(-[0-9A-Za-z.]+)?");
    private static final Pattern SERVER_TAG = Pattern.compile("(?m)^\\s*Tag:\\s*(\\S+)\\s*$");

    static TalosVersion parse(String text) {
        Matcher m = VERSION.matcher(text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException(
                    "--talos-version '" + text + "' is not a Talos 1.x version like" + " v1.13.4 or v1.14.0-rc.1");
        }
        return new TalosVersion(Integer.parseInt(m.group(1)), text.strip());
    }

    static TalosVersion newestStable() {
        return new TalosVersion(NEWEST_STABLE_MINOR, "v1." + NEWEST_STABLE_MINOR);
    }

    /**
     * The nodes' version from {@code talosctl version} output (its Server section, one Tag per node). Nodes on
     * different minors get the oldest one's form, unless the forms differ (a rolling upgrade across 1.14): refused.
     */
    static TalosVersion fromTalosctl(String output) {
        int server = output.indexOf("Server:");
        if (server < 0) {
            throw new IllegalArgumentException("--talosctl-version: no 'Server:' section in the talosctl version"
                    + " output; run 'talosctl version --nodes <node>' (not --client) and pass its output");
        }
        List<TalosVersion> nodes = new ArrayList<>();
        Matcher m = SERVER_TAG.matcher(output.substring(server));
        while (m.find()) {
            nodes.add(parse(m.group(1)));
        }
        if (nodes.isEmpty()) {
            throw new IllegalArgumentException("--talosctl-version: the Server section has no 'Tag:' line");
        }
        TalosVersion oldest =
                nodes.stream().min(Comparator.comparingInt(TalosVersion::minor)).orElseThrow();
        if (nodes.stream().anyMatch(n -> n.form() != oldest.form())) {
            throw new IllegalArgumentException("--talosctl-version: the nodes run "
                    + nodes.stream().map(TalosVersion::text).distinct().toList()
                    + ", which need different patch forms; finish the"
                    + " Talos upgrade first, or render for each group of nodes with --talos-version");
        }
        return oldest;
    }

    /** Which patch this release accepts. */
    enum Form {
        MACHINE_FILES_V2,
        MACHINE_FILES_V3,
        CRI_CUSTOMIZATION
    }

    /** Talos 1.14 registers CRICustomizationConfig (and drops machine.files); 1.8 moved to containerd 2 keys. */
    Form form() {
        return minor >= 14 ? Form.CRI_CUSTOMIZATION : minor >= 8 ? Form.MACHINE_FILES_V3 : Form.MACHINE_FILES_V2;
    }
}
