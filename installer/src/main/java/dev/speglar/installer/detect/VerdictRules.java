package dev.speglar.installer.detect;

import java.util.ArrayList;
import java.util.List;

/** Turns platform + containerd facts into a verdict and the reasons a user can act on. */
final class VerdictRules {

    record Outcome(Verdict verdict, List<String> reasons) {}

    private VerdictRules() {}

    static Outcome decide(
            Platform platform,
            Evidence evidence,
            ContainerdFacts facts,
            boolean dockerRuntime,
            boolean configPathDefaulted) {
        List<String> reasons = new ArrayList<>();
        if (platform.refusedByDefault()) {
            reasons.add(platform == Platform.GKE ? Refusals.gke(evidence, facts) : Refusals.digitalOcean(evidence));
            return new Outcome(Verdict.REFUSED, reasons);
        }
        if (dockerRuntime) {
            reasons.add(Refusals.dockerOnly(evidence));
            return new Outcome(Verdict.REFUSED, reasons);
        }
        if (platform == Platform.K3S || platform == Platform.RKE2) {
            String name = platform == Platform.K3S ? "k3s" : "rke2";
            boolean enabled =
                    evidence.signals().stream().anyMatch(s -> s.observed().startsWith("embedded-registry"));
            boolean listed =
                    evidence.signals().stream().anyMatch(s -> s.observed().startsWith("mirrors listed"));
            reasons.add("embedded mirror on this node: " + (enabled ? "enabled" : "not enabled here (set on servers)")
                    + ", registries "
                    + (listed ? "listed in registries.yaml" : "not listed (node stays out of the" + " P2P network)"));
            reasons.add(platform + " embeds a P2P mirror (Spegel): enable it with 'embedded-registry: true' in"
                    + " /etc/rancher/" + name + "/config.yaml on servers and list registries in /etc/rancher/" + name
                    + "/registries.yaml on every node ('speglar render " + name + "'); do not install a second agent"
                    + " (it would clash on TCP 5001)");
            return new Outcome(Verdict.NATIVE_MIRROR, reasons);
        }
        if (!facts.present() && (platform == Platform.BOTTLEROCKET || platform == Platform.TALOS)) {
            // Immutable OSes: containerd is configured only through the OS's own settings, so nothing on the node is
            // to be found or changed from here; the verdict is the render command, not "mount the host's /".
            reasons.add(platform + " configures containerd only through its "
                    + (platform == Platform.TALOS ? "machine config" : "settings")
                    + "; nothing on the node can be changed by the installer");
            reasons.add(preBootCommand(platform, evidence));
            return new Outcome(Verdict.PRE_BOOT_ONLY, reasons);
        }
        if (!facts.present()) {
            reasons.add("no containerd found under the host root (no socket at "
                    + String.join(", ", ContainerdLocator.SOCKETS) + ", no binary, no config): if the installer runs"
                    + " in a container, mount the host's / and pass --host-root");
            return new Outcome(Verdict.REFUSED, reasons);
        }
        if (platform == Platform.BOTTLEROCKET) {
            reasons.add("Bottlerocket does not expose use_local_image_pull (bottlerocket#4710): on containerd >= 2.1"
                    + " the mirror is used only if the generated config_path is a single directory; check after boot"
                    + " with 'speglar detect'");
        }
        List<String> gaps = configGaps(facts, configPathDefaulted);
        if (gaps.isEmpty()) {
            reasons.add("containerd reads hosts.toml from "
                    + facts.effectiveConfigPath().orElseThrow()
                    + " and keeps unpacked layers: only the agent is needed");
            return new Outcome(Verdict.READY, reasons);
        }
        reasons.addAll(gaps);
        switch (platform) {
            case TALOS, BOTTLEROCKET -> {
                reasons.add(preBootCommand(platform, evidence));
                return new Outcome(Verdict.PRE_BOOT_ONLY, reasons);
            }
            case KIND -> {
                reasons.add("kind nodes are configured at cluster creation: 'speglar render kind' and recreate the"
                        + " cluster");
                return new Outcome(Verdict.PRE_BOOT_ONLY, reasons);
            }
            case EKS_AL2023 ->
                reasons.add("nodeadm rewrites /etc/containerd/config.toml on every boot: persist the"
                        + " change in /etc/eks/nodeadm.d/ or user data ('speglar render eks-al2023')");
            case EKS_AL2 ->
                reasons.add("containerd 1.x imports replace whole plugin tables: a drop-in must carry the"
                        + " full CRI table, or pre-boot user data ('speglar render eks-al2')");
            default -> {}
        }
        return new Outcome(Verdict.PATCH_NEEDED, reasons);
    }

    /** The exact commands that configure an immutable OS, with the version the evidence shows where it matters. */
    static String preBootCommand(Platform platform, Evidence evidence) {
        if (platform == Platform.TALOS) {
            String version = evidence.supporting(Platform.TALOS).stream()
                    .map(s -> java.util.regex.Pattern.compile("v1\\.\\d+\\.\\d+(-[0-9A-Za-z.]+)?")
                            .matcher(s.observed()))
                    .filter(java.util.regex.Matcher::find)
                    .map(java.util.regex.Matcher::group)
                    .findFirst()
                    .orElse("<your Talos version, from 'talosctl version'>");
            return "run: speglar render talos --talos-version " + version + " -o speglar-talos && talosctl patch"
                    + " machineconfig --patch @speglar-talos/talos-patch.yaml && kubectl apply -f"
                    + " speglar-talos/namespace.yaml -f speglar-talos/speglar.yaml";
        }
        return "run: speglar render bottlerocket --file settings.toml > speglar-settings.toml, add it to the node"
                + " group's user data (or 'apiclient apply < speglar-settings.toml' in the admin container), then"
                + " speglar render daemonset --no-mirror-add --selinux-type super_t | kubectl apply -f -";
    }

    /** Everything that keeps containerd from using a hosts.toml mirror with layers retained. Empty: ready. */
    static List<String> configGaps(ContainerdFacts f, boolean configPathDefaulted) {
        List<String> gaps = new ArrayList<>();
        if (f.criDisabled()) {
            gaps.add("the CRI plugin is disabled (disabled_plugins contains cri): remove it from disabled_plugins");
        }
        if (!f.inlineMirrors().isEmpty()) {
            gaps.add("deprecated inline registry.mirrors for " + String.join(", ", f.inlineMirrors())
                    + ": convert them to hosts.toml files; containerd refuses to load CRI when mirrors and"
                    + " config_path are both set");
        }
        f.version()
                .filter(v -> f.schemaVersion() > v.maxConfigSchema())
                .ifPresent(v -> gaps.add(
                        "config version " + f.schemaVersion() + " is newer than containerd " + v + " reads (at most "
                                + v.maxConfigSchema() + "): containerd refuses to start; write version "
                                + v.maxConfigSchema()));
        boolean is21 = f.version().map(v -> v.atLeast(2, 1)).orElse(f.schemaVersion() >= 3);
        if (f.effectiveConfigPath().isEmpty() || f.effectiveConfigPath().get().isBlank()) {
            gaps.add("registry config_path is not set: containerd never reads hosts.toml; set it to a single"
                    + " directory such as /etc/containerd/certs.d");
        } else if (f.configPathIsList() && is21 && !f.useLocalImagePull().orElse(false)) {
            gaps.add("config_path is a list (" + f.effectiveConfigPath().get()
                    + (configPathDefaulted ? ", containerd 2.2+'s default for an unset value" : "")
                    + ") and containerd >= 2.1 pulls through the transfer service, which treats it as one"
                    + " directory: set a single directory and/or use_local_image_pull = true");
        }
        if (f.discardsLayers()) {
            gaps.add("discard_unpacked_layers = true: peers cannot serve layers the node discarded; set it to"
                    + " false");
        }
        // Parse errors, unreadable files, 1.x table replacement, ignored v2 keys: all need fixing.
        gaps.addAll(f.problems());
        return gaps;
    }
}
