package dev.speglar.installer.render;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.tomlj.Toml;
import org.tomlj.TomlParseResult;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * A user's existing EKS AL2023 user data (launch template, Karpenter EC2NodeClass) with Speglar's NodeConfig added.
 * nodeadm builds containerd's config from its version 2 or version 3 template, chosen by the keys the NodeConfig
 * uses, and deep-merges every NodeConfig's {@code containerd.config} into it; keys of the other version are silently
 * ignored by containerd. So Speglar's part uses the version the user's NodeConfig already uses, and user data that
 * mixes both is refused.
 */
final class Al2023UserData {
    enum Generation {
        V2,
        V3
    }

    private static final Pattern BOUNDARY =
            Pattern.compile("(?im)^Content-Type:\\s*multipart/mixed;.*boundary=\"?([^\"\\r\\n;]+)\"?");
    private static final String OUR_BOUNDARY = "==SPEGLAR-BOUNDARY==";
    static final String NODECONFIG_TYPE = "application/node.eks.aws";

    private Al2023UserData() {}

    /** The containerd config version the user's NodeConfig documents use (V2 when they set none). */
    static Generation generation(String userData) {
        boolean v2 = false;
        boolean v3 = false;
        for (String toml : containerdConfigs(userData)) {
            TomlParseResult parsed = Toml.parse(toml);
            if (parsed.hasErrors()) {
                throw new IllegalArgumentException("--user-data: spec.containerd.config is not valid TOML: "
                        + parsed.errors().getFirst());
            }
            for (List<String> key : parsed.keyPathSet(true)) {
                if (key.size() >= 2 && key.get(0).equals("plugins")) {
                    v3 |= key.get(1).startsWith("io.containerd.cri.v1.");
                    v2 |= key.get(1).equals("io.containerd.grpc.v1.cri");
                }
            }
            Long version = parsed.getLong("version");
            v3 |= version != null && version == 3;
            v2 |= version != null && version == 2;
        }
        if (v2 && v3) {
            throw new IllegalArgumentException("--user-data: its NodeConfig mixes containerd config version 2 keys"
                    + " (plugins.\"io.containerd.grpc.v1.cri\") with version 3 keys (plugins.\"io.containerd.cri.v1.*\")."
                    + " nodeadm builds on its version 3 template and containerd 2 ignores the version 2 keys; rewrite"
                    + " them as io.containerd.cri.v1.images / io.containerd.cri.v1.runtime keys, then render again");
        }
        return v3 ? Generation.V3 : Generation.V2;
    }

    /** The user data with {@code speglarNodeConfig} added as the last NodeConfig part. */
    static String merge(String userData, String speglarNodeConfig) {
        Matcher m = BOUNDARY.matcher(userData);
        String ours = "Content-Type: " + NODECONFIG_TYPE + "\n\n" + speglarNodeConfig.stripTrailing() + "\n";
        if (m.find()) {
            String close = "--" + m.group(1) + "--";
            int end = userData.lastIndexOf(close);
            if (end < 0) {
                throw new IllegalArgumentException("--user-data: MIME multipart without its closing boundary " + close);
            }
            return userData.substring(0, end) + "--" + m.group(1) + "\n" + ours + "\n" + userData.substring(end);
        }
        String type = userData.startsWith("#!") ? "text/x-shellscript; charset=\"us-ascii\"" : NODECONFIG_TYPE;
        return "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"" + OUR_BOUNDARY + "\"\n\n--"
                + OUR_BOUNDARY + "\nContent-Type: " + type + "\n\n" + userData.stripTrailing() + "\n\n--"
                + OUR_BOUNDARY + "\n" + ours + "\n--" + OUR_BOUNDARY + "--\n";
    }

    /** spec.containerd.config of every NodeConfig in the user data (MIME parts or a bare YAML document). */
    static List<String> containerdConfigs(String userData) {
        List<String> out = new ArrayList<>();
        for (String yaml : nodeConfigTexts(userData)) {
            try {
                for (Object doc : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(yaml)) {
                    if (doc instanceof Map<?, ?> d
                            && "NodeConfig".equals(d.get("kind"))
                            && d.get("spec") instanceof Map<?, ?> spec
                            && spec.get("containerd") instanceof Map<?, ?> c
                            && c.get("config") instanceof String s) {
                        out.add(s);
                    }
                }
            } catch (YAMLException e) {
                throw new IllegalArgumentException(
                        "--user-data: a NodeConfig part is not valid YAML: " + e.getMessage(), e);
            }
        }
        return out;
    }

    private static List<String> nodeConfigTexts(String userData) {
        Matcher m = BOUNDARY.matcher(userData);
        if (!m.find()) {
            return userData.startsWith("#!") ? List.of() : List.of(userData);
        }
        List<String> out = new ArrayList<>();
        String[] parts = userData.split("(?m)^--" + Pattern.quote(m.group(1)) + "(--)?\\s*$");
        for (int i = 1; i < parts.length; i++) {
            String part = parts[i].replace("\r\n", "\n").stripLeading();
            int blank = part.indexOf("\n\n");
            String headers = blank < 0 ? part : part.substring(0, blank);
            if (headers.toLowerCase(java.util.Locale.ROOT)
                    .matches("(?s).*content-type:\\s*application/node\\.eks\\.aws.*")) {
                out.add(blank < 0 ? "" : part.substring(blank + 2));
            }
        }
        return out;
    }
}
