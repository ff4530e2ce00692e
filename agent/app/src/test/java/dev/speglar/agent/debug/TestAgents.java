package dev.speglar.agent.debug;

import dev.speglar.agent.Agent;
import dev.speglar.agent.Main;
import dev.speglar.agent.cli.RegistryCommand;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** In-process agents started through the real {@code registry} flags, serving the generated demo image. */
final class TestAgents {
    static final String DEMO = "docker.io/library/speglar-demo:1.0";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private TestAgents() {}

    /** Writes the demo image into an OCI layout under {@code dir}; returns the layout directory. */
    static Path demoLayout(Path dir) {
        Path layout = dir.resolve("layout");
        if (Main.run("demo-image", "--out", layout.toString(), "--layer-size", "50000") != 0) {
            throw new IllegalStateException("demo-image failed");
        }
        return layout;
    }

    /** An agent on {@code ip} (ephemeral ports) serving {@code layout}; {@code flags} come last. */
    static Agent start(String ip, Path layout, Path dir, String... flags) throws Exception {
        List<String> args = new ArrayList<>(List.of(
                "--registry-addr=" + ip + ":0",
                "--metrics-addr=" + ip + ":0",
                "--router-addr=" + ip + ":0",
                "--store=oci-layout",
                "--oci-layout-dir=" + layout,
                "--basic-auth-dir=" + dir.resolve("no-auth"),
                "--verify-containerd-config=false"));
        args.addAll(List.of(flags));
        return Agent.start(RegistryCommand.parse(args.toArray(String[]::new)));
    }

    static String metricsUrl(Agent a) {
        return "http://" + a.metricsAddress().getAddress().getHostAddress() + ":"
                + a.metricsAddress().getPort();
    }

    static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<byte[]> getBytes(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }
}
