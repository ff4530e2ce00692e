package dev.speglar.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.speglar.oci.MediaTypes;
import dev.speglar.registry.testing.FakeContentStore;
import dev.speglar.registry.testing.RawHttp;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class AccessLogAndExecutorTest {

    @Test
    void accessLogAtDebugCarriesPathStatusHandlerAndRegistryAndSkipsProbes() throws Exception {
        Logger access = (Logger) LoggerFactory.getLogger("dev.speglar.registry.access");
        ListAppender<ILoggingEvent> events = new ListAppender<>();
        events.start();
        access.addAppender(events);
        FakeContentStore store = new FakeContentStore(null);
        var m = store.add(MediaTypes.OCI_MANIFEST, "{}".getBytes(StandardCharsets.UTF_8));
        store.tag("quay.io/a/b:1", m.digest());
        try (RegistryServer server = RegistryServer.builder().store(store).build();
                RawHttp c = new RawHttp(server.start())) {
            c.exchange("GET", "/livez");
            c.exchange("HEAD", "/v2/a/b/manifests/1?ns=quay.io", "X-Forwarded-For: 10.1.2.3, 10.0.0.1");
            c.exchange("GET", "/v2/a/b/blobs/sha256:" + "2".repeat(64));
            await().atMost(Duration.ofSeconds(5)).until(() -> events.list.size() >= 2);
        } finally {
            access.detachAppender(events);
        }
        List<String> lines = events.list.stream()
                .map(ev -> ev.getMessage() + " "
                        + ev.getKeyValuePairs().stream()
                                .map(kv -> kv.key + "=" + kv.value)
                                .toList())
                .toList();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0))
                .startsWith("request [")
                .contains(
                        "path=/v2/a/b/manifests/1",
                        "status=200",
                        "method=HEAD",
                        "ip=10.1.2.3",
                        "handler=manifest",
                        "registry=quay.io",
                        "bytes=0",
                        "complete=true");
        assertThat(lines.get(1)).contains("status=404", "method=GET", "ip=127.0.0.1", "handler=mirror");
    }

    @Test
    void storeLookupsCanRunOffTheEventLoop() throws Exception {
        List<String> threads = new CopyOnWriteArrayList<>();
        FakeContentStore store = new FakeContentStore(null) {
            @Override
            public java.util.Optional<dev.speglar.oci.Descriptor> descriptor(dev.speglar.oci.Digest digest) {
                threads.add(Thread.currentThread().getName());
                return super.descriptor(digest);
            }
        };
        var blob = store.add(MediaTypes.OCTET_STREAM, "hello".getBytes(StandardCharsets.UTF_8));
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> new Thread(r, "store-worker"));
        try (RegistryServer server = RegistryServer.builder()
                        .store(store)
                        .storeExecutor(executor)
                        .build();
                RawHttp c = new RawHttp(server.start())) {
            assertThat(c.exchange("GET", "/v2/x/blobs/" + blob.digest()).bodyText())
                    .isEqualTo("hello");
            assertThat(c.exchange("GET", "/v2/x/blobs/" + blob.digest(), "Range: bytes=1-2")
                            .bodyText())
                    .isEqualTo("el");
            assertThat(c.exchange("HEAD", "/v2/x/blobs/sha256:" + "3".repeat(64))
                            .status())
                    .isEqualTo(404);
        } finally {
            executor.shutdownNow();
        }
        assertThat(threads).hasSize(3).allMatch(t -> t.equals("store-worker"));
    }
}
