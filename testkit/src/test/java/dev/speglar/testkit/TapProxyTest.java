package dev.speglar.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("real")
class TapProxyTest {
    @Test
    void recordsRequestsAndCutsTheChosenResponseOnce(@TempDir Path root) throws Exception {
        byte[] bytes = TestImages.randomBytes(200_000, 3);
        Files.write(root.resolve("blob.bin"), bytes);
        try (NginxServer nginx = NginxServer.serving(root).start();
                TapProxy proxy = TapProxy.to(nginx.address())) {
            proxy.cut(p -> p.endsWith("/blob.bin"), 1000, 1);

            assertThatThrownBy(() -> Http.get(proxy.url() + "/blob.bin")).isInstanceOf(RuntimeException.class);
            HttpResponse<byte[]> rest = Http.get(proxy.url() + "/blob.bin", "Range", "bytes=1000-");

            assertThat(rest.statusCode()).isEqualTo(206);
            assertThat(rest.body()).isEqualTo(Arrays.copyOfRange(bytes, 1000, bytes.length));
            assertThat(proxy.exchanges())
                    .containsExactly(
                            new TapProxy.Exchange("GET", "/blob.bin", null, 200, 1000, true),
                            new TapProxy.Exchange("GET", "/blob.bin", "bytes=1000-", 206, bytes.length - 1000, false));
        }
    }
}
