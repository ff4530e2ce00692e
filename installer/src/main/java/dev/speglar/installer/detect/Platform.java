package dev.speglar.installer.detect;

import java.util.Arrays;

/** The node platforms the installer distinguishes. {@link #jsonName()} is the stable name used in JSON and flags. */
public enum Platform {
    AKS("aks"),
    MINIKUBE("minikube"),
    EKS_AL2("eks-al2"),
    EKS_AL2023("eks-al2023"),
    BOTTLEROCKET("bottlerocket"),
    K3S("k3s"),
    RKE2("rke2"),
    KIND("kind"),
    TALOS("talos"),
    GKE("gke"),
    DIGITALOCEAN("digitalocean"),
    K0S("k0s"),
    MICROK8S("microk8s"),
    GENERIC("generic"),
    UNKNOWN("unknown");

    private final String jsonName;

    Platform(String jsonName) {
        this.jsonName = jsonName;
    }

    public String jsonName() {
        return jsonName;
    }

    /** Parses a JSON/flag name such as {@code eks-al2023}; throws with the list of valid names otherwise. */
    public static Platform fromJsonName(String name) {
        for (Platform p : values()) {
            if (p.jsonName.equals(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown platform '" + name + "'; valid: "
                + String.join(
                        ", ", Arrays.stream(values()).map(Platform::jsonName).toList()));
    }

    /** Platforms whose nodes the installer refuses to modify unless explicitly overridden. */
    public boolean refusedByDefault() {
        return this == GKE || this == DIGITALOCEAN;
    }

    @Override
    public String toString() {
        return jsonName;
    }
}
