package dev.speglar.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("real")
class RawHttpTest {
    @Test
    void sendsBytesVerbatimAndParsesTheResponse(@TempDir Path root) throws Exception {
        Files.writeString(root.resolve("a.txt"), "hello");
        try (NginxServer nginx = NginxServer.serving(root).start()) {
            RawHttp.Response ok = RawHttp.send(nginx.address(), "GET /a.txt HTTP/1.1\r\nHost: x");
            assertThat(ok.status()).isEqualTo(200);
            assertThat(ok.bodyText()).isEqualTo("hello");
            assertThat(ok.header("Content-Length")).isEqualTo("5");

            RawHttp.Response head = RawHttp.send(nginx.address(), "HEAD /a.txt HTTP/1.1\r\nHost: x");
            assertThat(head.status()).isEqualTo(200);
            assertThat(head.body()).isEmpty();

            // nginx refuses a raw ".." escaping the root; a normalising client would never send it.
            assertThat(RawHttp.send(nginx.address(), "GET /../../etc/passwd HTTP/1.1\r\nHost: x")
                            .status())
                    .isEqualTo(400);
        }
    }
}
