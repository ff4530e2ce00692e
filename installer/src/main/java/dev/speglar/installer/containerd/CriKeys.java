package dev.speglar.installer.containerd;

import java.util.List;

/** Where the mirror-relevant CRI settings live in each config schema. */
public record CriKeys(
        List<String> configPath,
        List<String> discardUnpackedLayers,
        List<String> useLocalImagePull,
        List<String> pluginTable) {

    private static final String CRI_V2 = "io.containerd.grpc.v1.cri";
    private static final String IMAGES_V3 = "io.containerd.cri.v1.images";

    public static final CriKeys V2 = new CriKeys(
            List.of("plugins", CRI_V2, "registry", "config_path"),
            List.of("plugins", CRI_V2, "containerd", "discard_unpacked_layers"),
            null,
            List.of("plugins", CRI_V2));

    public static final CriKeys V3 = new CriKeys(
            List.of("plugins", IMAGES_V3, "registry", "config_path"),
            List.of("plugins", IMAGES_V3, "discard_unpacked_layers"),
            List.of("plugins", IMAGES_V3, "use_local_image_pull"),
            List.of("plugins", IMAGES_V3));

    public static CriKeys forSchema(int schema) {
        if (schema < 2) {
            throw new IllegalArgumentException(
                    "containerd config schema v" + schema + " (no version header) is not supported;"
                            + " add 'version = 2' or run 'containerd config migrate'");
        }
        return schema == 2 ? V2 : V3;
    }

    public static List<String> table(List<String> keyPath) {
        return keyPath.subList(0, keyPath.size() - 1);
    }

    public static String leaf(List<String> keyPath) {
        return keyPath.getLast();
    }
}
