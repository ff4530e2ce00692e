package dev.speglar.installer.detect;

import java.util.List;
import java.util.stream.Collectors;

/** Refusal messages that name the evidence and the reason. */
final class Refusals {
    private Refusals() {}

    static String evidenceOf(Evidence evidence, Platform p) {
        List<Signal> s = evidence.supporting(p);
        if (s.isEmpty()) {
            return "no direct evidence";
        }
        return s.stream().limit(3).map(x -> x.source() + ": " + x.observed()).collect(Collectors.joining("; "));
    }

    static String gke(Evidence evidence, ContainerdFacts facts) {
        String config = facts.effectiveConfigPath().isEmpty() ? "has no registry config_path" : "is managed by GKE";
        String mirrors = facts.inlineMirrors().isEmpty()
                ? ""
                : " and uses legacy inline mirrors (" + String.join(", ", facts.inlineMirrors()) + ")";
        return "GKE detected (" + evidenceOf(evidence, Platform.GKE) + "). This node's containerd " + config + mirrors
                + ", GKE may discard unpacked layers, and nodes are recreated on upgrade/repair (COS /etc is tmpfs),"
                + " so enabling a mirror would break pulls or be undone. Not installing. Override with"
                + " --allow-unsupported-platform=gke only if you manage containerd through GKE's containerdConfig"
                + " (registryHosts) and have confirmed layers are retained.";
    }

    static String digitalOcean(Evidence evidence) {
        return "DigitalOcean Kubernetes detected (" + evidenceOf(evidence, Platform.DIGITALOCEAN) + "). DOKS does not"
                + " configure containerd's registry config_path and does not support node-level containerd changes;"
                + " node recycling replaces the droplet and undoes edits, so a mirror cannot be activated"
                + " persistently. Not installing. Override with --allow-unsupported-platform=digitalocean at your"
                + " own risk.";
    }

    static String dockerOnly(Evidence evidence) {
        String seen = evidence.signals().stream()
                .filter(s -> s.observed().contains("Docker") || s.source().contains("runtime-endpoint"))
                .limit(3)
                .map(s -> s.source() + ": " + s.observed())
                .collect(Collectors.joining("; "));
        return "Docker-only node (" + seen + "): the kubelet does not use containerd's CRI (RKE1, cri-dockerd),"
                + " so a containerd mirror would never be used. Not installing. Switch the node to containerd;"
                + " override with --allow-unsupported-platform only for testing.";
    }
}
