package dev.speglar.installer.containerd;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.tomlj.Toml;
import org.tomlj.TomlParseResult;

class TomlTextEditorTest {

    private static final List<String> REGISTRY = List.of("plugins", "io.containerd.grpc.v1.cri", "registry");
    private static final String BASE = """
            # node config, hand-written
            version = 2

            [plugins]
              [plugins."io.containerd.grpc.v1.cri"]
                sandbox_image = "registry.k8s.io/pause:3.9" # pinned
                [plugins."io.containerd.grpc.v1.cri".registry]
                  config_path = "/etc/containerd/certs.d:/etc/docker/certs.d"

              [plugins."io.containerd.internal.v1.opt"]
                path = "/var/lib/containerd/opt"
            """;

    @Test
    void replacesOnlyTheValueLine() {
        TomlTextEditor e = TomlTextEditor.of(BASE);
        e.set(REGISTRY, "config_path", "\"/etc/containerd/certs.d\"");
        assertThat(e.text())
                .isEqualTo(
                        BASE.replace("\"/etc/containerd/certs.d:/etc/docker/certs.d\"", "\"/etc/containerd/certs.d\""));
    }

    @Test
    void insertsIntoExistingTableWithItsIndentation() {
        TomlTextEditor e = TomlTextEditor.of(BASE);
        e.set(List.of("plugins", "io.containerd.grpc.v1.cri"), "disable_tcp_service", "true");
        String text = e.text();
        assertThat(text)
                .contains("    sandbox_image = \"registry.k8s.io/pause:3.9\" # pinned\n"
                        + "    disable_tcp_service = true\n"
                        + "    [plugins.\"io.containerd.grpc.v1.cri\".registry]\n");
        assertThat(Toml.parse(text).getBoolean(List.of("plugins", "io.containerd.grpc.v1.cri", "disable_tcp_service")))
                .isTrue();
    }

    @Test
    void appendsMissingTableAndKeepsEverythingElse() {
        TomlTextEditor e = TomlTextEditor.of(BASE);
        e.set(List.of("plugins", "io.containerd.grpc.v1.cri", "containerd"), "discard_unpacked_layers", "false");
        String text = e.text();
        assertThat(text).startsWith(BASE);
        TomlParseResult r = Toml.parse(text);
        assertThat(r.errors()).isEmpty();
        assertThat(r.getBoolean(
                        List.of("plugins", "io.containerd.grpc.v1.cri", "containerd", "discard_unpacked_layers")))
                .isFalse();
        assertThat(r.getString(List.of("plugins", "io.containerd.grpc.v1.cri", "sandbox_image")))
                .isEqualTo("registry.k8s.io/pause:3.9");
    }

    @Test
    void replacesMultiLineArrayAtRoot() {
        String text =
                "version = 2\nimports = [\n  \"/a/*.toml\",\n  \"/b/*.toml\",\n]\n\n[grpc]\n  address = \"/x.sock\"\n";
        TomlTextEditor e = TomlTextEditor.of(text);
        e.set(List.of(), "imports", "[\"/c.toml\"]");
        assertThat(e.text()).isEqualTo("version = 2\nimports = [\"/c.toml\"]\n\n[grpc]\n  address = \"/x.sock\"\n");
    }

    @Test
    void addsRootKeyBeforeFirstTableAndHandlesEmptyAndCrlf() {
        TomlTextEditor empty = TomlTextEditor.of("");
        empty.set(List.of(), "version", "2");
        assertThat(empty.text()).isEqualTo("version = 2\n");

        TomlTextEditor crlf = TomlTextEditor.of("[grpc]\r\n  address = \"/x.sock\"\r\n");
        crlf.set(List.of("grpc"), "address", "\"/y.sock\"");
        assertThat(crlf.text()).isEqualTo("[grpc]\r\n  address = \"/y.sock\"\r\n");
    }

    @Test
    void ignoresLookalikesInsideMultilineStringsAndArrayTables() {
        String text = "note = '''\n[plugins.\"io.containerd.grpc.v1.cri\".registry]\nconfig_path = \"no\"\n'''\n";
        TomlTextEditor e = TomlTextEditor.of(text);
        e.set(REGISTRY, "config_path", "\"/d\"");
        TomlParseResult r = Toml.parse(e.text());
        assertThat(r.errors()).isEmpty();
        assertThat(r.getString("note")).contains("config_path = \"no\"");
        assertThat(r.getString(List.of("plugins", "io.containerd.grpc.v1.cri", "registry", "config_path")))
                .isEqualTo("/d");
    }

    @Test
    void parsesHeaderKeys() {
        assertThat(TomlTextEditor.headerKey("[ plugins . 'io.containerd.grpc.v1.cri' . registry ] # c"))
                .containsExactlyElementsOf(REGISTRY);
        assertThat(TomlTextEditor.headerKey("[[proxy_plugins]]")).containsExactly("proxy_plugins");
        assertThat(TomlTextEditor.headerKey("[\"a\", \"b\"],")).isNull();
        assertThat(TomlTextEditor.headerKey("key = 1")).isNull();
    }
}
