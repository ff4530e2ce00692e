package dev.speglar.installer.detect;

import dev.speglar.installer.containerd.ContainerdVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Runs every probe against a host root and produces a {@link Detection}. Reads only; never writes. */
public final class Detector {
    /** Tie-break order: the more specific platform wins an equal score (kind over the cloud it runs on). */
    private static final List<Platform> PRECEDENCE = List.of(
            Platform.KIND,
            Platform.TALOS,
            Platform.BOTTLEROCKET,
            Platform.RKE2,
            Platform.K3S,
            Platform.K0S,
            Platform.MICROK8S,
            Platform.MINIKUBE,
            Platform.GKE,
            Platform.DIGITALOCEAN,
            Platform.EKS_AL2023,
            Platform.EKS_AL2,
            Platform.AKS,
            Platform.GENERIC);

    private static final List<String> DOCKER_MARKERS = List.of(
            "/run/docker.sock",
            "/var/run/docker.sock",
            "/usr/bin/dockerd",
            "/run/cri-dockerd.sock",
            "/var/run/cri-dockerd.sock",
            "/usr/bin/cri-dockerd");

    private final HostRoot host;
    private final Optional<ContainerdVersion> versionOverride;

    public Detector(HostRoot host) {
        this(host, Optional.empty());
    }

    public Detector(HostRoot host, Optional<ContainerdVersion> versionOverride) {
        this.host = host;
        this.versionOverride = versionOverride;
    }

    public Detection detect() {
        OsRelease os = OsRelease.read(host);
        KubeletHints kubelet = KubeletHints.read(host);
        List<Signal> signals = new ArrayList<>(new PlatformProbe(host).probe(os, kubelet));

        ContainerdLocator locator = new ContainerdLocator(host);
        Optional<String> socket = locator.socket();
        Optional<String> binary = locator.binary();
        socket.ifPresent(s -> signals.add(Signal.fact(s, "containerd socket", Trust.HIGH)));
        binary.ifPresent(b -> signals.add(Signal.fact(b, "containerd binary", Trust.MEDIUM)));
        List<String> docker = DOCKER_MARKERS.stream().filter(host::exists).toList();
        docker.forEach(d -> signals.add(Signal.fact(d, "Docker runtime component", Trust.MEDIUM)));
        kubelet.runtimeEndpoint()
                .ifPresent(e -> signals.add(Signal.fact("kubelet --container-runtime-endpoint", e, Trust.HIGH)));

        Evidence preliminary = new Evidence(signals);
        String mainConfig = ContainerdLocator.mainConfig(choose(preliminary, false));
        ContainerdLocator.Found version = locator.version(versionOverride);
        version.version().ifPresent(v -> signals.add(Signal.fact(version.source(), "containerd " + v, Trust.HIGH)));
        ContainerdConfigReader.Merged merged = new ContainerdConfigReader(host).read(mainConfig, version.version());
        boolean present =
                socket.isPresent() || binary.isPresent() || !merged.files().isEmpty();
        Evidence evidence = new Evidence(signals);
        Platform platform = choose(evidence, present);

        ContainerdFacts facts = present
                ? new ContainerdFacts(
                        true,
                        version.version(),
                        version.source(),
                        socket,
                        merged.files(),
                        merged.imports(),
                        merged.schema(),
                        merged.configPaths(),
                        merged.effectiveConfigPath(),
                        merged.discard(),
                        merged.localPull(),
                        merged.mirrors(),
                        merged.criDisabled(),
                        merged.problems())
                : ContainerdFacts.absent();
        boolean dockerRuntime = kubelet.runtimeEndpoint()
                        .map(e -> e.contains("dockershim") || e.contains("cri-dockerd") || e.contains("docker.sock"))
                        .orElse(false)
                || !docker.isEmpty() && (!present || facts.criDisabled());
        VerdictRules.Outcome outcome =
                VerdictRules.decide(platform, evidence, facts, dockerRuntime, merged.configPathDefaulted());
        return new Detection(host.root().toString(), platform, evidence, facts, outcome.verdict(), outcome.reasons());
    }

    /** Highest score wins; ties go to the more specific platform. Nothing at all: generic if containerd, else unknown. */
    static Platform choose(Evidence evidence, boolean containerdPresent) {
        Map<Platform, Integer> scores = evidence.scores();
        Platform best = null;
        int bestScore = 0;
        for (Platform p : PRECEDENCE) {
            int s = scores.getOrDefault(p, 0);
            if (s > bestScore) {
                best = p;
                bestScore = s;
            }
        }
        if (best != null) {
            return best;
        }
        return containerdPresent ? Platform.GENERIC : Platform.UNKNOWN;
    }
}
