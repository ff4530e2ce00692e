package dev.speglar.installer.detect;

import dev.speglar.installer.containerd.ContainerdVersion;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Renders a {@link Detection} as the JSON document and the text report of {@code speglar detect}. */
public final class DetectionReport {
    private DetectionReport() {}

    /** The JSON model: snake_case keys; {@code platform} and {@code verdict} are the stable top-level fields. */
    public static Map<String, Object> toMap(Detection d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("platform", d.platform().jsonName());
        m.put("verdict", d.verdict().jsonName());
        m.put("host_root", d.hostRoot());
        List<Object> signals = new ArrayList<>();
        for (Signal s : d.evidence().signals()) {
            Map<String, Object> sm = new LinkedHashMap<>();
            sm.put("source", s.source());
            sm.put("observed", s.observed());
            sm.put("indicates", s.indicates().map(Platform::jsonName));
            sm.put("trust", s.trust().jsonName());
            sm.put("counted", !s.ignored());
            if (!s.note().isEmpty()) {
                sm.put("note", s.note());
            }
            signals.add(sm);
        }
        m.put("evidence", signals);
        m.put("containerd", facts(d.containerd()));
        m.put("reasons", d.reasons());
        return m;
    }

    private static Map<String, Object> facts(ContainerdFacts f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("present", f.present());
        m.put("version", f.version().map(ContainerdVersion::toString));
        m.put("version_source", f.versionSource().isEmpty() ? null : f.versionSource());
        m.put("socket", f.socket());
        m.put("config_files", f.configFiles());
        m.put("imports", f.imports());
        m.put("schema_version", f.schemaVersion());
        m.put("config_path", f.configPaths());
        m.put("effective_config_path", f.effectiveConfigPath());
        m.put("config_path_is_list", f.configPathIsList());
        m.put("discard_unpacked_layers", f.discardUnpackedLayers());
        m.put("use_local_image_pull", f.useLocalImagePull());
        m.put("inline_mirrors", f.inlineMirrors());
        m.put("cri_disabled", f.criDisabled());
        m.put("problems", f.problems());
        return m;
    }

    public static String toText(Detection d) {
        StringBuilder sb = new StringBuilder();
        sb.append("platform: ").append(d.platform().jsonName()).append('\n');
        sb.append("verdict:  ").append(d.verdict().jsonName()).append('\n');
        sb.append("host root: ").append(d.hostRoot()).append("\n\nevidence:\n");
        for (Signal s : d.evidence().signals()) {
            sb.append("  [")
                    .append(s.trust().jsonName())
                    .append("] ")
                    .append(s.indicates().map(p -> p.jsonName() + " <- ").orElse(""))
                    .append(s.source())
                    .append(": ")
                    .append(s.observed());
            if (s.ignored()) {
                sb.append(" (not counted: ").append(s.note()).append(')');
            }
            sb.append('\n');
        }
        ContainerdFacts f = d.containerd();
        sb.append("\ncontainerd:\n");
        if (!f.present()) {
            sb.append("  not found\n");
        } else {
            line(
                    sb,
                    "version",
                    f.version()
                            .map(v -> v + " (from " + f.versionSource() + ")")
                            .orElse("unknown"));
            line(sb, "socket", f.socket().orElse("not found"));
            line(sb, "config files", f.configFiles().isEmpty() ? "none" : String.join(", ", f.configFiles()));
            line(sb, "imports", f.imports().isEmpty() ? "none" : String.join(", ", f.imports()));
            line(sb, "schema version", f.schemaVersion() == 0 ? "n/a" : String.valueOf(f.schemaVersion()));
            line(sb, "config_path", f.configPaths().isEmpty() ? "not set" : String.join(" | ", f.configPaths()));
            line(
                    sb,
                    "effective config_path",
                    f.effectiveConfigPath().orElse("none") + (f.configPathIsList() ? " (list)" : ""));
            line(
                    sb,
                    "discard_unpacked_layers",
                    f.discardUnpackedLayers().map(String::valueOf).orElse("not set (false)"));
            line(
                    sb,
                    "use_local_image_pull",
                    f.useLocalImagePull().map(String::valueOf).orElse("not set"));
            line(sb, "inline mirrors", f.inlineMirrors().isEmpty() ? "none" : String.join(", ", f.inlineMirrors()));
            line(sb, "CRI disabled", f.criDisabled() ? "yes" : "no");
            for (String p : f.problems()) {
                line(sb, "problem", p);
            }
        }
        sb.append("\nreasons:\n");
        for (String r : d.reasons()) {
            sb.append("  - ").append(r).append('\n');
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, String key, String value) {
        sb.append("  ").append(key).append(": ").append(value).append('\n');
    }
}
