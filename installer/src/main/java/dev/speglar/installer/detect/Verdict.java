package dev.speglar.installer.detect;

/** What the installer can do on the detected node. */
public enum Verdict {
    /** containerd already reads hosts.toml from a single directory and keeps layers: only the agent is needed. */
    READY("ready"),
    /** containerd config must change (config_path, discard, local pull, inline mirrors, CRI). */
    PATCH_NEEDED("patch-needed"),
    /** The node cannot be changed in place; configure it at creation (user data, machine config, kind config). */
    PRE_BOOT_ONLY("pre-boot-only"),
    /** The distribution embeds a P2P mirror (K3s/RKE2): emit its native config, never a second agent. */
    NATIVE_MIRROR("native-mirror"),
    /** Unsupported platform or runtime: do nothing unless explicitly overridden. */
    REFUSED("refused");

    private final String jsonName;

    Verdict(String jsonName) {
        this.jsonName = jsonName;
    }

    public String jsonName() {
        return jsonName;
    }

    @Override
    public String toString() {
        return jsonName;
    }
}
