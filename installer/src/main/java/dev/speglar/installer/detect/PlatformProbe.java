package dev.speglar.installer.detect;

import static dev.speglar.installer.detect.Platform.AKS;
import static dev.speglar.installer.detect.Platform.BOTTLEROCKET;
import static dev.speglar.installer.detect.Platform.EKS_AL2;
import static dev.speglar.installer.detect.Platform.EKS_AL2023;
import static dev.speglar.installer.detect.Platform.GENERIC;
import static dev.speglar.installer.detect.Platform.GKE;
import static dev.speglar.installer.detect.Platform.K0S;
import static dev.speglar.installer.detect.Platform.K3S;
import static dev.speglar.installer.detect.Platform.KIND;
import static dev.speglar.installer.detect.Platform.MICROK8S;
import static dev.speglar.installer.detect.Platform.MINIKUBE;
import static dev.speglar.installer.detect.Platform.RKE2;
import static dev.speglar.installer.detect.Platform.TALOS;
import static dev.speglar.installer.detect.Trust.HIGH;
import static dev.speglar.installer.detect.Trust.LOW;
import static dev.speglar.installer.detect.Trust.MEDIUM;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Gathers platform signals from a host root, in this order: container markers first (so that
 * kind's and k3d's host DMI cannot mislead), then os-release, distribution files, DMI and the kubelet's provider ID.
 */
final class PlatformProbe {
    private static final Set<String> GENERIC_IDS = Set.of(
            "debian",
            "ubuntu",
            "rhel",
            "rocky",
            "almalinux",
            "centos",
            "fedora",
            "ol",
            "sles",
            "opensuse-leap",
            "arch",
            "flatcar",
            "photon");

    private final HostRoot host;
    private final List<Signal> signals = new ArrayList<>();

    PlatformProbe(HostRoot host) {
        this.host = host;
    }

    List<Signal> probe(OsRelease os, KubeletHints kubelet) {
        boolean inContainer = containerMarkers();
        osRelease(os);
        distributionFiles();
        signals.addAll(CloudProbe.dmi(host, inContainer));
        signals.addAll(CloudProbe.kubelet(kubelet));
        return List.copyOf(signals);
    }

    private void add(String source, String observed, Platform p, Trust t) {
        signals.add(Signal.of(source, observed, p, t));
    }

    private boolean containerMarkers() {
        boolean container = false;
        if (host.exists("/kind/version") || host.isDirectory("/kind")) {
            String v = host.readQuietly("/kind/version").orElse("");
            add("/kind", v.isEmpty() ? "kind node directory" : "kind node, /kind/version=" + v, KIND, HIGH);
            container = true;
        }
        for (String marker : List.of("/.dockerenv", "/run/.containerenv")) {
            if (host.exists(marker)) {
                signals.add(Signal.fact(marker, "running inside a container", MEDIUM));
                container = true;
            }
        }
        String env = host.readQuietly("/proc/1/environ").orElse("");
        for (String kv : env.split("\0")) {
            if (kv.startsWith("container=")) {
                signals.add(Signal.fact("/proc/1/environ", kv.strip(), MEDIUM));
                container = true;
            }
        }
        return container;
    }

    private void osRelease(OsRelease os) {
        if (os.isEmpty()) {
            return;
        }
        String src = "/etc/os-release";
        String id = os.id();
        String summary = os.summary();
        switch (id) {
            case "amzn" -> {
                if (os.versionId().equals("2023")) {
                    add(src, summary, EKS_AL2023, HIGH);
                } else if (os.versionId().equals("2")) {
                    add(src, summary, EKS_AL2, HIGH);
                } else {
                    signals.add(Signal.fact(src, summary, MEDIUM));
                }
            }
            case "bottlerocket" -> add(src, summary, BOTTLEROCKET, HIGH);
            case "talos" -> add(src, summary, TALOS, HIGH);
            case "cos" -> add(src, summary + " (Container-Optimized OS)", GKE, HIGH);
            case "buildroot" -> add(src, summary + " (minikube VM ISO)", MINIKUBE, MEDIUM);
            case "azurelinux", "mariner" -> add(src, summary, AKS, MEDIUM);
            default -> {
                if (GENERIC_IDS.contains(id)
                        || os.fields().getOrDefault("ID_LIKE", "").matches(".*(debian|rhel).*")) {
                    add(src, summary, GENERIC, LOW);
                } else {
                    signals.add(Signal.fact(src, summary, LOW));
                }
            }
        }
    }

    private void distributionFiles() {
        embeddedRegistry("k3s");
        embeddedRegistry("rke2");
        present("/etc/rancher/k3s", K3S, HIGH);
        present("/var/lib/rancher/k3s/agent/etc/containerd/config.toml", K3S, HIGH);
        present("/usr/local/bin/k3s", K3S, MEDIUM);
        present("/etc/rancher/rke2", RKE2, HIGH);
        present("/var/lib/rancher/rke2/agent/etc/containerd/config.toml", RKE2, HIGH);
        present("/var/lib/k0s", K0S, HIGH);
        present("/etc/k0s/containerd.toml", K0S, HIGH);
        present("/snap/microk8s", MICROK8S, HIGH);
        present("/var/snap/microk8s/current/args/containerd-template.toml", MICROK8S, HIGH);
        present("/var/lib/minikube", MINIKUBE, MEDIUM);
        present("/home/kubernetes/bin", GKE, HIGH);
        present("/etc/cri/containerd.toml", TALOS, MEDIUM);
        present("/usr/bin/nodeadm", EKS_AL2023, HIGH);
        present("/etc/eks/nodeadm.d", EKS_AL2023, HIGH);
        present("/etc/kubernetes/azure.json", AKS, MEDIUM);
        if (host.exists("/usr/bin/apiclient")) {
            add("/usr/bin/apiclient", "Bottlerocket API client", BOTTLEROCKET, HIGH);
        }
        Optional<String> bootstrap = host.readQuietly("/etc/eks/bootstrap.sh");
        if (bootstrap.isPresent()) {
            if (isAl2023Stub(bootstrap.get())) {
                add(
                        "/etc/eks/bootstrap.sh",
                        "stub that exits 1 (AL2023 ships it; not evidence of AL2)",
                        EKS_AL2023,
                        MEDIUM);
            } else {
                add("/etc/eks/bootstrap.sh", "EKS AL2 bootstrap script", EKS_AL2, HIGH);
            }
        }
        String template =
                host.readQuietly("/etc/eks/containerd/containerd-config.toml").orElse("");
        if (template.contains("SANDBOX_IMAGE")) {
            add(
                    "/etc/eks/containerd/containerd-config.toml",
                    "AL2 containerd template with SANDBOX_IMAGE placeholder",
                    EKS_AL2,
                    HIGH);
        }
        if (host.isRegularFile("/etc/eks/containerd-version.txt")) {
            add("/etc/eks/containerd-version.txt", "nodeadm's containerd version file", EKS_AL2023, MEDIUM);
        }
        String aksConfig = host.readQuietly("/etc/containerd/config.toml").orElse("");
        if (aksConfig.contains("azure/aks")) {
            add("/etc/containerd/config.toml", "AgentBaker header X-Meta-Source-Client = azure/aks", AKS, HIGH);
        }
    }

    /** Whether K3s/RKE2's embedded mirror is already on (server flag) and which node opted registries in. */
    private void embeddedRegistry(String distro) {
        String dir = "/etc/rancher/" + distro + "/";
        String config = host.readQuietly(dir + "config.yaml").orElse("");
        if (config.lines().anyMatch(l -> l.strip().matches("\"?embedded-registry\"?\s*:\s*\"?true\"?"))) {
            signals.add(Signal.fact(dir + "config.yaml", "embedded-registry: true (embedded mirror enabled)", HIGH));
        }
        String registries = host.readQuietly(dir + "registries.yaml").orElse("");
        if (registries.lines().anyMatch(l -> l.strip().startsWith("mirrors:"))) {
            signals.add(
                    Signal.fact(dir + "registries.yaml", "mirrors listed (node joins the embedded P2P mirror)", HIGH));
        }
    }

    /** AL2023's bootstrap.sh only prints a pointer to nodeadm and fails; the AL2 script is hundreds of lines. */
    static boolean isAl2023Stub(String script) {
        return script.length() < 2048
                && script.contains("exit 1")
                && (script.contains("nodeadm") || script.contains("AL2023") || script.contains("not supported"));
    }

    private void present(String path, Platform p, Trust t) {
        if (host.exists(path)) {
            add(path, "present", p, t);
        }
    }
}
