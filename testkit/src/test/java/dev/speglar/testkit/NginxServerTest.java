package dev.speglar.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("real")
class NginxServerTest {
    @Test
    void servesFilesWholeAndByRange(@TempDir Path root) throws Exception {
        byte[] bytes = TestImages.randomBytes(3 * 1024 * 1024 + 5, 7);
        Files.createDirectories(root.resolve("blobs"));
        Files.write(root.resolve("blobs/big.bin"), bytes);

        try (NginxServer nginx = NginxServer.serving(root).start()) {
            HttpResponse<byte[]> whole = Http.get(nginx.url() + "/blobs/big.bin");
            assertThat(whole.statusCode()).isEqualTo(200);
            assertThat(whole.body()).isEqualTo(bytes);

            HttpResponse<byte[]> tail = Http.get(nginx.url() + "/blobs/big.bin", "Range", "bytes=1000-");
            assertThat(tail.statusCode()).isEqualTo(206);
            assertThat(tail.body()).isEqualTo(Arrays.copyOfRange(bytes, 1000, bytes.length));
            assertThat(Http.status(nginx.url() + "/blobs/missing")).isEqualTo(404);
        }
    }
}
