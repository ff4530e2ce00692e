package dev.speglar.installer;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Kubernetes minor a manifest is rendered for. Accepts what users and API servers write: {@code 1.31},
 * {@code v1.31.4}, {@code v1.31.4-eks-1234abc}, {@code v1.34.0-rc.1}, {@code v1.30.2+k3s1}.
 */
public record KubernetesVersion(int minor) {
    /** Oldest minor whose OpenAPI schema the rendered manifests are checked against (EKS/AKS extended support). */
    public static final int OLDEST_SUPPORTED_MINOR = 29;
    /**
     * Newest minor whose OpenAPI schema the rendered manifests are checked against. A newer version is rendered as for
     * this one (Kubernetes keeps GA fields and values), with a warning that it was not checked.
     */
    public static final int NEWEST_CHECKED_MINOR = 36;
    /** First minor whose API server accepts {@code trafficDistribution: PreferSameNode} (beta, on by default). */
    static final int PREFER_SAME_NODE_MINOR = 34;

    private static final Pattern VERSION = Pattern.compile("v?1\\.(\\d{1,3})(?:\\.\\d+)?(?:[-+][0-9A-Za-z.+-]*)?");

    public KubernetesVersion {
        if (minor < OLDEST_SUPPORTED_MINOR) {
            throw new IllegalArgumentException("Kubernetes 1." + minor + " is older than the oldest version Speglar's"
                    + " manifests are checked against (1." + OLDEST_SUPPORTED_MINOR + "); upgrade the cluster or"
                    + " apply the manifests yourself after checking them");
        }
    }

    /** A warning when this version is newer than any whose schema the manifests were checked against. */
    public Optional<String> uncheckedWarning() {
        return minor > NEWEST_CHECKED_MINOR
                ? Optional.of("Kubernetes " + this + " is newer than the newest version Speglar's manifests"
                        + " are checked against (1." + NEWEST_CHECKED_MINOR + "); rendered as for 1."
                        + NEWEST_CHECKED_MINOR + ". Check them with kubectl apply --dry-run=server before applying")
                : Optional.empty();
    }

    public static KubernetesVersion parse(String text) {
        Matcher m = VERSION.matcher(text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException(
                    "--kubernetes-version '" + text + "' is not a Kubernetes 1.x version" + " like 1.31 or v1.31.4");
        }
        return new KubernetesVersion(Integer.parseInt(m.group(1)));
    }

    /**
     * How the registry Service keeps a node's pulls on that node, as upstream's chart does: {@code trafficDistribution:
     * PreferSameNode} where the API server accepts it; {@code internalTrafficPolicy: Local} before (1.30 has no
     * trafficDistribution field; 1.31-1.33 reject the value).
     */
    public String registryServiceLocality() {
        return minor >= PREFER_SAME_NODE_MINOR ? PREFER_SAME_NODE : INTERNAL_LOCAL;
    }

    public static final String PREFER_SAME_NODE = "trafficDistribution: PreferSameNode";
    public static final String INTERNAL_LOCAL = "internalTrafficPolicy: Local";

    @Override
    public String toString() {
        return "1." + minor;
    }
}
