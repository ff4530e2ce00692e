package dev.speglar.installer.render;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses Kubernetes manifests into fabric8's typed model and fails on any field the model does not know. fabric8
 * keeps unknown fields in {@code additionalProperties} instead of rejecting them, so the whole object graph is walked
 * and every non-empty {@code additionalProperties} is reported with its path.
 */
final class StrictManifests {
    private static final ObjectMapper MAPPER =
            new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);
    private static final Map<String, Class<? extends HasMetadata>> KINDS = Map.of(
            "v1/Namespace", Namespace.class,
            "v1/ServiceAccount", ServiceAccount.class,
            "v1/Service", Service.class,
            "apps/v1/DaemonSet", DaemonSet.class);

    private StrictManifests() {}

    @SuppressWarnings("unchecked")
    static List<HasMetadata> parse(String yaml) {
        List<HasMetadata> out = new ArrayList<>();
        for (Object doc : Rendered.yamlAll(yaml)) {
            if (doc == null) {
                continue;
            }
            Map<String, Object> m = (Map<String, Object>) doc;
            String key = m.get("apiVersion") + "/" + m.get("kind");
            Class<? extends HasMetadata> type = KINDS.get(key);
            assertThat(type).as("known kind %s", key).isNotNull();
            HasMetadata obj = MAPPER.convertValue(m, type);
            List<String> unknown = new ArrayList<>();
            walk(obj, key + ":" + obj.getMetadata().getName(), unknown, new IdentityHashMap<>());
            assertThat(unknown).as("fields unknown to the Kubernetes model").isEmpty();
            out.add(obj);
        }
        return out;
    }

    private static void walk(Object o, String path, List<String> unknown, IdentityHashMap<Object, Boolean> seen) {
        if (o == null || seen.put(o, true) != null) {
            return;
        }
        if (o instanceof Collection<?> c) {
            int i = 0;
            for (Object e : c) {
                walk(e, path + "[" + i++ + "]", unknown, seen);
            }
            return;
        }
        if (o instanceof Map<?, ?> m) {
            m.forEach((k, v) -> walk(v, path + "." + k, unknown, seen));
            return;
        }
        if (!o.getClass().getPackageName().startsWith("io.fabric8")) {
            return;
        }
        for (Method getter : o.getClass().getMethods()) {
            if (getter.getParameterCount() != 0
                    || Modifier.isStatic(getter.getModifiers())
                    || !getter.getName().startsWith("get")
                    || getter.getName().equals("getClass")) {
                continue;
            }
            Object value;
            try {
                value = getter.invoke(o);
            } catch (ReflectiveOperationException e) {
                continue;
            }
            if (getter.getName().equals("getAdditionalProperties")) {
                if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    unknown.add(path + " " + extra.keySet());
                }
                continue;
            }
            walk(value, path + "." + getter.getName().substring(3), unknown, seen);
        }
    }
}
