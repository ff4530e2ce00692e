package dev.speglar.e2e.chart;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The containers of upstream's chart as rendered in {@code chart/spegel-v0.7.4.yaml}: what a kubelet would run.
 * Only the fields the chart sets are read; anything else in a container spec fails loudly, so the fixture cannot
 * silently hold something the emulation ignores.
 */
record ChartFixture(Map<String, Workload> workloads) {

    /** A DaemonSet or Pod: init containers, containers and hostPath volumes (name → host path). */
    record Workload(
            String kind,
            String name,
            List<Container> initContainers,
            List<Container> containers,
            Map<String, String> hostPaths) {
        Container container(String name) {
            return containers.stream()
                    .filter(c -> c.name().equals(name))
                    .findFirst()
                    .orElseThrow();
        }
    }

    /** @param env name → literal value, or {@code fieldRef:<path>} / {@code resourceFieldRef:<resource>} */
    record Container(
            String name,
            List<String> args,
            Map<String, String> env,
            Map<String, Port> ports,
            Optional<Probe> startupProbe,
            Optional<Probe> readinessProbe,
            Map<String, Mount> mounts,
            boolean readOnlyRootFilesystem,
            String memoryLimit) {}

    record Port(int containerPort, Integer hostPort, String protocol) {}

    record Probe(String path, String port, int periodSeconds, int failureThreshold) {}

    /** @param volume the volume's name; the key of the mounts map is the mount path */
    record Mount(String volume, boolean readOnly) {}

    static ChartFixture load(String resource) {
        Map<String, Workload> out = new LinkedHashMap<>();
        try (InputStream in = ChartFixture.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing fixture " + resource);
            }
            for (Object doc : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(in)) {
                Map<String, Object> m = map(doc);
                String kind = (String) m.get("kind");
                String name = (String) map(m.get("metadata")).get("name");
                Map<String, Object> podSpec = kind.equals("Pod")
                        ? map(m.get("spec"))
                        : map(map(map(m.get("spec")).get("template")).get("spec"));
                Map<String, String> hostPaths = new LinkedHashMap<>();
                for (Object v : list(podSpec.get("volumes"))) {
                    Map<String, Object> vol = map(v);
                    hostPaths.put((String) vol.get("name"), (String)
                            map(vol.get("hostPath")).get("path"));
                }
                out.put(
                        name,
                        new Workload(
                                kind,
                                name,
                                containers(podSpec.get("initContainers")),
                                containers(podSpec.get("containers")),
                                hostPaths));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new ChartFixture(out);
    }

    Workload workload(String name) {
        return java.util.Objects.requireNonNull(workloads.get(name), name);
    }

    private static List<Container> containers(Object spec) {
        List<Container> out = new ArrayList<>();
        for (Object o : list(spec)) {
            Map<String, Object> c = map(o);
            for (String key : c.keySet()) {
                if (!List.of(
                                "name",
                                "args",
                                "env",
                                "ports",
                                "startupProbe",
                                "readinessProbe",
                                "volumeMounts",
                                "securityContext",
                                "resources")
                        .contains(key)) {
                    throw new IllegalStateException("fixture field not emulated: " + key);
                }
            }
            Map<String, String> env = new LinkedHashMap<>();
            for (Object e : list(c.get("env"))) {
                Map<String, Object> var = map(e);
                Object value = var.get("value");
                if (value == null) {
                    Map<String, Object> from = map(var.get("valueFrom"));
                    value = from.containsKey("fieldRef")
                            ? "fieldRef:" + map(from.get("fieldRef")).get("fieldPath")
                            : "resourceFieldRef:"
                                    + map(from.get("resourceFieldRef")).get("resource");
                }
                env.put((String) var.get("name"), String.valueOf(value));
            }
            Map<String, Port> ports = new LinkedHashMap<>();
            for (Object p : list(c.get("ports"))) {
                Map<String, Object> port = map(p);
                ports.put(
                        (String) port.get("name"),
                        new Port((Integer) port.get("containerPort"), (Integer) port.get("hostPort"), (String)
                                port.get("protocol")));
            }
            Map<String, Mount> mounts = new LinkedHashMap<>();
            for (Object v : list(c.get("volumeMounts"))) {
                Map<String, Object> mount = map(v);
                mounts.put(
                        (String) mount.get("mountPath"),
                        new Mount((String) mount.get("name"), Boolean.TRUE.equals(mount.get("readOnly"))));
            }
            boolean readOnlyRoot = c.get("securityContext") != null
                    && Boolean.TRUE.equals(map(c.get("securityContext")).get("readOnlyRootFilesystem"));
            String memory = c.get("resources") == null
                    ? null
                    : (String) map(map(c.get("resources")).get("limits")).get("memory");
            out.add(new Container(
                    (String) c.get("name"),
                    list(c.get("args")).stream().map(String::valueOf).toList(),
                    env,
                    ports,
                    probe(c.get("startupProbe")),
                    probe(c.get("readinessProbe")),
                    mounts,
                    readOnlyRoot,
                    memory));
        }
        return out;
    }

    private static Optional<Probe> probe(Object o) {
        if (o == null) {
            return Optional.empty();
        }
        Map<String, Object> p = map(o);
        Map<String, Object> get = map(p.get("httpGet"));
        return Optional.of(new Probe(
                (String) get.get("path"),
                String.valueOf(get.get("port")),
                (Integer) p.getOrDefault("periodSeconds", 10),
                (Integer) p.getOrDefault("failureThreshold", 3)));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return o == null ? Map.of() : (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object o) {
        return o == null ? List.of() : (List<Object>) o;
    }
}
