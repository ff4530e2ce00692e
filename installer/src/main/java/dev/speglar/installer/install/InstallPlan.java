package dev.speglar.installer.install;

import java.util.List;
import java.util.Map;

/** Everything an install would change, computed and validated without touching the node. */
public record InstallPlan(
        ContainerdConfigPlanner.Result containerd,
        List<FileChange> files,
        List<String> otherChanges,
        boolean restartContainerd,
        List<String> warnings) {

    public InstallPlan {
        files = List.copyOf(files);
        otherChanges = List.copyOf(otherChanges);
        warnings = List.copyOf(warnings);
    }

    public boolean isNoop() {
        return files.isEmpty() && otherChanges.isEmpty();
    }

    public String render() {
        StringBuilder sb = new StringBuilder();
        sb.append("containerd config strategy: ")
                .append(containerd.strategy().name().toLowerCase().replace('_', '-'))
                .append(", hosts dir: ")
                .append(containerd.hostsDir())
                .append('\n');
        if (isNoop()) {
            sb.append("Nothing to change: the node is already configured. No restart.\n");
        }
        for (FileChange f : files) sb.append(f.describe());
        if (!containerd.effectiveChanges().isEmpty()) {
            sb.append("effective containerd config (checked with containerd config dump):\n");
            for (Map.Entry<String, String> e : containerd.effectiveChanges().entrySet()) {
                sb.append("  ")
                        .append(e.getKey())
                        .append(": ")
                        .append(e.getValue())
                        .append('\n');
            }
        }
        for (String o : otherChanges) sb.append(o).append('\n');
        sb.append(restartContainerd ? "containerd restart: required\n" : "containerd restart: not required\n");
        for (String w : warnings) sb.append("warning: ").append(w).append('\n');
        return sb.toString();
    }
}
