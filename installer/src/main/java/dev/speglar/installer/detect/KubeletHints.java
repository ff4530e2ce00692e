package dev.speglar.installer.detect;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Provider ID, node labels and runtime endpoint from the kubelet's on-node configuration: kubeadm flags, the kubelet
 * config file (YAML or AL2023's JSON), and distribution flag files such as GKE's {@code /etc/default/kubelet}.
 */
record KubeletHints(
        Optional<String> providerId,
        String providerIdSource,
        List<String> nodeLabels,
        String nodeLabelsSource,
        Optional<String> runtimeEndpoint) {

    static final List<String> FLAG_FILES = List.of(
            "/var/lib/kubelet/kubeadm-flags.env",
            "/etc/default/kubelet",
            "/etc/sysconfig/kubelet",
            "/etc/kubernetes/kubelet.env",
            "/etc/kubernetes/kubelet/config.json",
            "/var/lib/kubelet/config.yaml",
            "/etc/kubernetes/kubelet/kubelet-config.json");

    private static final Pattern PROVIDER_FLAG = Pattern.compile("--provider-id[= ]\"?([^\\s\"]+)");
    private static final Pattern PROVIDER_FIELD = Pattern.compile("\"?providerID\"?\\s*:\\s*\"?([^\\s\",]+)");
    /** The kubelet flag, or AKS's KUBELET_NODE_LABELS variable in /etc/default/kubelet. */
    private static final Pattern LABELS_FLAG =
            Pattern.compile("(?:--node-labels[= ]|KUBELET_NODE_LABELS=)\"?([^\\s\"]+)");

    private static final Pattern ENDPOINT = Pattern.compile(
            "(?:--container-runtime-endpoint[= ]|\"?containerRuntimeEndpoint\"?\\s*:\\s*)\"?([^\\s\",]+)");

    static KubeletHints read(HostRoot host) {
        Optional<String> provider = Optional.empty();
        String providerSource = "";
        List<String> labels = new ArrayList<>();
        String labelsSource = "";
        Optional<String> endpoint = Optional.empty();
        for (String file : FLAG_FILES) {
            Optional<String> text = host.readQuietly(file);
            if (text.isEmpty()) {
                continue;
            }
            String t = text.get();
            if (provider.isEmpty()) {
                Matcher m = PROVIDER_FLAG.matcher(t);
                Matcher f = PROVIDER_FIELD.matcher(t);
                if (m.find()) {
                    provider = Optional.of(m.group(1));
                    providerSource = file;
                } else if (f.find()) {
                    provider = Optional.of(f.group(1));
                    providerSource = file;
                }
            }
            Matcher l = LABELS_FLAG.matcher(t);
            while (l.find()) {
                for (String label : l.group(1).split(",")) {
                    if (!label.isBlank()) {
                        labels.add(label.strip());
                    }
                }
                labelsSource = labelsSource.isEmpty() ? file : labelsSource;
            }
            if (endpoint.isEmpty()) {
                Matcher e = ENDPOINT.matcher(t);
                if (e.find()) {
                    endpoint = Optional.of(e.group(1));
                }
            }
        }
        return new KubeletHints(
                provider.filter(p -> !p.isBlank()), providerSource, List.copyOf(labels), labelsSource, endpoint);
    }

    Optional<String> labelWithPrefix(String prefix) {
        return nodeLabels.stream().filter(l -> l.startsWith(prefix)).findFirst();
    }
}
