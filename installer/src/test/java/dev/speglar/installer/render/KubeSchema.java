package dev.speglar.installer.render;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * Strict structural validation of Kubernetes objects against the OpenAPI v3 schema of one Kubernetes minor, vendored
 * under {@code src/test/resources/schemas/kubernetes/} (see the README there for source and regeneration). Unknown
 * fields, wrong types and missing required fields are errors, as {@code kubectl apply --validate=strict} reports
 * them. A few value checks the API server makes outside the schema are added per minor ({@link #VALUES}).
 */
final class KubeSchema {
    /** Minors with a vendored schema: the oldest in extended support on EKS/AKS through the newest published. */
    static final List<Integer> MINORS = IntStream.rangeClosed(29, 36).boxed().toList();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String REF = "#/components/schemas/";

    /**
     * Enumerations the API server validates but the published schema does not list. trafficDistribution: in the 1.30
     * schema behind an alpha gate that is off by default (the field is dropped); PreferClose from 1.31 (beta, on by
     * default); PreferSameNode/PreferSameZone alpha behind a gate in 1.33, on by default from 1.34 (Kubernetes docs,
     * "Service: Traffic distribution"; KEP-4444, KEP-3015).
     */
    private static final Map<String, java.util.function.IntFunction<Set<String>>> VALUES = Map.of(
            "io.k8s.api.core.v1.ServiceSpec.trafficDistribution",
                    minor -> minor >= 34
                            ? Set.of("PreferClose", "PreferSameZone", "PreferSameNode")
                            : minor >= 31 ? Set.of("PreferClose") : Set.of(),
            "io.k8s.api.core.v1.ServiceSpec.internalTrafficPolicy", minor -> Set.of("Cluster", "Local"),
            "io.k8s.api.core.v1.ServiceSpec.type",
                    minor -> Set.of("ClusterIP", "NodePort", "LoadBalancer", "ExternalName"),
            "io.k8s.api.core.v1.HostPathVolumeSource.type",
                    minor -> Set.of(
                            "",
                            "DirectoryOrCreate",
                            "Directory",
                            "FileOrCreate",
                            "File",
                            "Socket",
                            "CharDevice",
                            "BlockDevice"),
            "io.k8s.api.core.v1.Container.imagePullPolicy", minor -> Set.of("Always", "IfNotPresent", "Never"),
            "io.k8s.api.core.v1.ContainerPort.protocol", minor -> Set.of("TCP", "UDP", "SCTP"),
            "io.k8s.api.core.v1.ServicePort.protocol", minor -> Set.of("TCP", "UDP", "SCTP"));

    private final int minor;
    private final String source;
    private final Map<String, Map<String, Object>> schemas;

    @SuppressWarnings("unchecked")
    private KubeSchema(int minor, Map<String, Object> file) {
        this.minor = minor;
        this.source = (String) file.get("source");
        this.schemas = (Map<String, Map<String, Object>>) file.get("schemas");
    }

    @SuppressWarnings("unchecked")
    static KubeSchema of(int minor) {
        String resource = "/schemas/kubernetes/1." + minor + ".json";
        try (InputStream in = KubeSchema.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no vendored schema " + resource);
            }
            Map<String, Object> file = JSON.readValue(in, Map.class);
            if (!("1." + minor).equals(file.get("kubernetesVersion"))) {
                throw new IllegalStateException(resource + " is for " + file.get("kubernetesVersion"));
            }
            return new KubeSchema(minor, file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int minor() {
        return minor;
    }

    String source() {
        return source;
    }

    /** Every problem in every document of a multi-document YAML text, each prefixed with kind/name and path. */
    @SuppressWarnings("unchecked")
    List<String> validateAll(String yaml) {
        List<String> errors = new ArrayList<>();
        for (Object doc : Rendered.yamlAll(yaml)) {
            if (doc != null) {
                errors.addAll(validate((Map<String, Object>) doc));
            }
        }
        return errors;
    }

    @SuppressWarnings("unchecked")
    List<String> validate(Map<String, Object> object) {
        String apiVersion = String.valueOf(object.get("apiVersion"));
        String kind = String.valueOf(object.get("kind"));
        String root = rootFor(apiVersion, kind);
        Object meta = object.get("metadata");
        String where = kind + "/" + (meta instanceof Map<?, ?> m ? m.get("name") : "?");
        List<String> errors = new ArrayList<>();
        if (root == null) {
            errors.add(where + ": " + apiVersion + " " + kind + " is not a kind of Kubernetes 1." + minor);
            return errors;
        }
        check(Map.of("$ref", REF + root), object, where, errors, null);
        return errors;
    }

    @SuppressWarnings("unchecked")
    private String rootFor(String apiVersion, String kind) {
        String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
        String version = apiVersion.substring(apiVersion.indexOf('/') + 1);
        for (var e : schemas.entrySet()) {
            Object gvks = e.getValue().get("x-kubernetes-group-version-kind");
            if (gvks instanceof List<?> list) {
                for (Object o : list) {
                    Map<String, Object> gvk = (Map<String, Object>) o;
                    if (group.equals(gvk.get("group"))
                            && version.equals(gvk.get("version"))
                            && kind.equals(gvk.get("kind"))) {
                        return e.getKey();
                    }
                }
            }
        }
        return null;
    }

    @SuppressWarnings("unchecked")
    private void check(Map<String, Object> schema, Object value, String path, List<String> errors, String field) {
        if (schema.get("$ref") instanceof String ref) {
            String name = ref.substring(REF.length());
            Map<String, Object> target = schemas.get(name);
            if (target == null) {
                errors.add(path + ": schema " + name + " is not vendored (re-run scripts/vendor-k8s-schemas.py)");
                return;
            }
            check(target, value, path, errors, name);
            return;
        }
        if (schema.get("allOf") instanceof List<?> all) {
            for (Object s : all) {
                check((Map<String, Object>) s, value, path, errors, field);
            }
        }
        if (schema.get("oneOf") instanceof List<?> one) {
            boolean any = false;
            for (Object s : one) {
                List<String> tryErrors = new ArrayList<>();
                check((Map<String, Object>) s, value, path, tryErrors, field);
                any |= tryErrors.isEmpty();
            }
            if (!any) {
                errors.add(path + ": " + describe(value) + " matches none of " + one);
            }
        }
        Object type = schema.get("type");
        Map<String, Object> props = (Map<String, Object>) schema.get("properties");
        if ("object".equals(type) || props != null) {
            if (!(value instanceof Map<?, ?> map)) {
                errors.add(path + ": expected an object, got " + describe(value));
                return;
            }
            Object additional = schema.get("additionalProperties");
            for (var e : ((Map<String, Object>) map).entrySet()) {
                String p = path + "." + e.getKey();
                if (props != null && props.containsKey(e.getKey())) {
                    Map<String, Object> ps = (Map<String, Object>) props.get(e.getKey());
                    String defName = field == null ? null : field + "." + e.getKey();
                    checkValue(defName, e.getValue(), p, errors);
                    check(ps, e.getValue(), p, errors, null);
                } else if (additional instanceof Map<?, ?> as) {
                    check((Map<String, Object>) as, e.getValue(), p, errors, null);
                } else if (props != null || Boolean.FALSE.equals(additional)) {
                    errors.add(p + ": unknown field \"" + e.getKey() + "\"");
                }
            }
            if (schema.get("required") instanceof List<?> req) {
                for (Object r : req) {
                    if (!map.containsKey(r)) {
                        errors.add(path + ": missing required field \"" + r + "\"");
                    }
                }
            }
            return;
        }
        if (type == null) {
            return;
        }
        boolean ok = switch ((String) type) {
            case "string" -> value instanceof String;
            case "integer" -> value instanceof Integer || value instanceof Long;
            case "number" -> value instanceof Number;
            case "boolean" -> value instanceof Boolean;
            case "array" -> value instanceof List<?>;
            default -> throw new IllegalStateException("schema type " + type + " at " + path);
        };
        if (!ok) {
            errors.add(path + ": expected " + type + ", got " + describe(value));
            return;
        }
        if (value instanceof List<?> list && schema.get("items") instanceof Map<?, ?> items) {
            for (int i = 0; i < list.size(); i++) {
                check((Map<String, Object>) items, list.get(i), path + "[" + i + "]", errors, null);
            }
        }
        if (schema.get("enum") instanceof List<?> values && !values.contains(value)) {
            errors.add(path + ": unsupported value " + describe(value) + ", supported: " + values);
        }
    }

    private void checkValue(String definitionField, Object value, String path, List<String> errors) {
        var rule = definitionField == null ? null : VALUES.get(definitionField);
        if (rule != null && !rule.apply(minor).contains(value)) {
            errors.add(path + ": unsupported value " + describe(value) + " in Kubernetes 1." + minor + ", supported: "
                    + rule.apply(minor));
        }
    }

    private static String describe(Object value) {
        return value == null
                ? "null"
                : value instanceof String s ? "\"" + s + "\"" : value.getClass().getSimpleName() + " " + value;
    }
}
