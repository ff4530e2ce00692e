package dev.speglar.store.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.speglar.common.json.InvalidJsonException;
import dev.speglar.common.json.Json;
import dev.speglar.oci.Digest;
import dev.speglar.oci.MediaTypes;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonTest {
    @Test
    void parsesNestedValues() throws Exception {
        Object v = Json.parse(" {\"a\":[1,-2.5e3,true,false,null,\"x\\n\\u00e9\"],\"b\":{}} ");
        assertThat(v).isEqualTo(Map.of("a", List.of(1L, -2500.0, true, false, Json.NULL, "x\né"), "b", Map.of()));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"plain", "quote \" and \\ back", "line\nbreak\ttab\r", "ctl \u0001\u001f", "é ☃ \uD83D\uDE00"})
    void quotedStringsParseBackToThemselves(String s) throws Exception {
        StringBuilder sb = new StringBuilder();
        Json.quote(sb, s);
        assertThat(sb.toString()).startsWith("\"").endsWith("\"").doesNotContain("\n");
        assertThat(Json.parse(sb.toString())).isEqualTo(s);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "{", "{\"a\"}", "{\"a\":1,}", "[1 2]", "tru", "{} x", "\"\u0001\"", "{\"a\":01x}"})
    void rejectsMalformedInput(String s) {
        assertThatThrownBy(() -> Json.parse(s)).isInstanceOf(InvalidJsonException.class);
    }

    @Test
    void boundsNesting() {
        String deep = "[".repeat(10_000) + "]".repeat(10_000);
        assertThatThrownBy(() -> Json.parse(deep))
                .isInstanceOf(InvalidJsonException.class)
                .hasMessageContaining("nesting");
    }

    @Test
    void manifestChildrenCarryDeclaredMediaTypes() throws Exception {
        String d1 = "sha256:" + "a".repeat(64);
        String d2 = "sha256:" + "b".repeat(64);
        byte[] manifest = ("{\"config\":{\"digest\":\"" + d1 + "\",\"size\":7},"
                        + "\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+zstd\",\"digest\":\""
                        + d2
                        + "\",\"size\":9}]}")
                .getBytes();
        var children = ManifestChildren.of(MediaTypes.OCI_MANIFEST, manifest);
        assertThat(children)
                .extracting(c -> c.digest().toString(), c -> c.mediaType(), c -> c.size())
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(d1, MediaTypes.OCI_CONFIG, 7L),
                        org.assertj.core.groups.Tuple.tuple(d2, "application/vnd.oci.image.layer.v1.tar+zstd", 9L));
        assertThat(ManifestChildren.of(
                        MediaTypes.OCI_INDEX, ("{\"manifests\":[{\"digest\":\"" + d1 + "\",\"size\":3}]}").getBytes()))
                .singleElement()
                .satisfies(c -> assertThat(c.digest()).isEqualTo(Digest.parse(d1)));
        assertThatThrownBy(() -> ManifestChildren.of(MediaTypes.OCI_MANIFEST, "{\"layers\":[{\"size\":1}]}".getBytes()))
                .isInstanceOf(InvalidJsonException.class);
    }
}
