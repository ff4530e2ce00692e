package dev.speglar.installer.render;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The fields of kind's {@code kind.x-k8s.io/v1alpha4} Cluster config and their types, transcribed from
 * {@code sigs.k8s.io/kind/pkg/apis/config/v1alpha4/types.go} (kubernetes-sigs/kind, commit 00b38e3b). kind reads
 * the file strictly, so a field it does not know fails {@code kind create cluster}; it is reported here instead of
 * being merged into a config that cannot work.
 */
final class KindClusterFields {
    private static final Map<String, Map<String, String>> TYPES = Map.of(
            "Cluster",
                    Map.ofEntries(
                            Map.entry("kind", "string"),
                            Map.entry("apiVersion", "string"),
                            Map.entry("name", "string"),
                            Map.entry("nodes", "[]Node"),
                            Map.entry("networking", "Networking"),
                            Map.entry("featureGates", "map[bool]"),
                            Map.entry("runtimeConfig", "map[string]"),
                            Map.entry("kubeadmConfigPatches", "[]string"),
                            Map.entry("kubeadmConfigPatchesJSON6902", "[]PatchJSON6902"),
                            Map.entry("containerdConfigPatches", "[]string"),
                            Map.entry("containerdConfigPatchesJSON6902", "[]string")),
            "Node",
                    Map.of(
                            "role",
                            "string",
                            "image",
                            "string",
                            "labels",
                            "map[string]",
                            "extraMounts",
                            "[]Mount",
                            "extraPortMappings",
                            "[]PortMapping",
                            "gpus",
                            "string",
                            "kubeadmConfigPatches",
                            "[]string",
                            "kubeadmConfigPatchesJSON6902",
                            "[]PatchJSON6902"),
            "Networking",
                    Map.of(
                            "ipFamily",
                            "string",
                            "apiServerPort",
                            "int",
                            "apiServerAddress",
                            "string",
                            "podSubnet",
                            "string",
                            "serviceSubnet",
                            "string",
                            "disableDefaultCNI",
                            "bool",
                            "kubeProxyMode",
                            "string",
                            "dnsSearch",
                            "[]string"),
            "PatchJSON6902", Map.of("group", "string", "version", "string", "kind", "string", "patch", "string"),
            "Mount",
                    Map.of(
                            "containerPath",
                            "string",
                            "hostPath",
                            "string",
                            "readOnly",
                            "bool",
                            "selinuxRelabel",
                            "bool",
                            "propagation",
                            "string"),
            "PortMapping",
                    Map.of("containerPort", "int", "hostPort", "int", "listenAddress", "string", "protocol", "string"));

    private KindClusterFields() {}

    /** Every unknown field or mistyped value, each as {@code path: problem}. */
    static List<String> problems(Map<String, Object> cluster) {
        List<String> out = new ArrayList<>();
        check("Cluster", cluster, "", out);
        return out;
    }

    private static void check(String type, Object value, String path, List<String> out) {
        String at = path.isEmpty() ? "(top level)" : path;
        if (type.startsWith("[]")) {
            if (!(value instanceof List<?> list)) {
                out.add(at + ": expected a list");
                return;
            }
            for (int i = 0; i < list.size(); i++) {
                check(type.substring(2), list.get(i), path + "[" + i + "]", out);
            }
            return;
        }
        if (type.startsWith("map[")) {
            if (!(value instanceof Map<?, ?> map)) {
                out.add(at + ": expected a mapping");
                return;
            }
            String element = type.substring(4, type.length() - 1);
            map.forEach((k, v) -> check(element, v, path + "." + k, out));
            return;
        }
        Map<String, String> fields = TYPES.get(type);
        if (fields == null) {
            boolean ok = switch (type) {
                case "string" -> value instanceof String;
                case "int" -> value instanceof Integer || value instanceof Long;
                case "bool" -> value instanceof Boolean;
                default -> throw new IllegalStateException(type);
            };
            if (!ok) {
                out.add(at + ": expected " + type + ", got " + value);
            }
            return;
        }
        if (!(value instanceof Map<?, ?> map)) {
            out.add(at + ": expected a " + type + " mapping");
            return;
        }
        for (var e : map.entrySet()) {
            String key = String.valueOf(e.getKey());
            String child = path.isEmpty() ? key : path + "." + key;
            String fieldType = fields.get(key);
            if (fieldType == null) {
                out.add(child + ": unknown field in a kind v1alpha4 " + type);
            } else if (e.getValue() != null) {
                check(fieldType, e.getValue(), child, out);
            }
        }
    }
}
