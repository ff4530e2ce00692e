package dev.speglar.store.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.speglar.oci.MediaTypes;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MediaTypeSnifferTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                // Not JSON at all: a layer.
                "'\u001f\u008b\u0008 gzip'|application/octet-stream",
                "'etc/hello.txt tar header'|application/octet-stream",
                "'{}'|application/vnd.oci.empty.v1+json",
                "'{\"schemaVersion\":2,\"mediaType\":\"application/vnd.docker.distribution.manifest.v2+json\",\"config\":{}}'"
                        + "|application/vnd.docker.distribution.manifest.v2+json",
                "'{\"manifests\":[{\"digest\":\"x\"}]}'|application/vnd.oci.image.index.v1+json",
                "'{\"schemaVersion\":2,\"config\":{\"size\":1},\"layers\":[]}'|application/vnd.oci.image.manifest.v1+json",
                "'{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\"}}'"
                        + "|application/vnd.oci.image.config.v1+json",
                // JSON, but not ours: undetermined, so not served.
                "'{ }'|",
                "'{\"unexpected\":\"value\"}'|",
                "'{\"schemaVersion\":1,\"mediaType\":\"x\"}'|",
                "'[1,2]'|",
                "'\"str\"'|",
                "'   '|",
                "'{\"broken\":'|",
            })
    void sniffsLikeUpstream(String content, String expected) {
        Optional<String> got = MediaTypeSniffer.sniff(content.getBytes(StandardCharsets.ISO_8859_1));
        assertThat(got).isEqualTo(Optional.ofNullable(expected));
    }

    @org.junit.jupiter.api.Test
    void emptyObjectOnlyWhenExactlyTwoBytes() {
        assertThat(MediaTypeSniffer.sniff("{}".getBytes())).contains(MediaTypes.OCI_EMPTY);
        assertThat(MediaTypeSniffer.sniff("{}\n".getBytes())).isEmpty();
    }
}
