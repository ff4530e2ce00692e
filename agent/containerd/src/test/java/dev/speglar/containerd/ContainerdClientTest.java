package dev.speglar.containerd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.speglar.oci.Digest;
import dev.speglar.store.TestImage;
import io.grpc.Status;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ContainerdClientTest {
    final FakeContainerd fake;
    final ContainerdClient client;
    final TestImage image = new TestImage();

    ContainerdClientTest() throws Exception {
        fake = new FakeContainerd();
        client = fake.client();
        image.blobs.values().forEach(b -> fake.putContent("k8s.io", b));
        fake.putImage("k8s.io", "registry.example/app:1", image.index);
    }

    @AfterEach
    void close() {
        client.close();
        fake.close();
    }

    @Test
    void callsAreScopedToTheirNamespace() throws Exception {
        assertThat(client.version()).isEqualTo("fake-1.0");
        assertThat(client.getImage("k8s.io", "registry.example/app:1"))
                .hasValueSatisfying(i -> assertThat(i.getTarget().getDigest())
                        .isEqualTo(image.index.digest().toString()));
        assertThat(client.getImage("moby", "registry.example/app:1")).isEmpty();
        assertThat(client.info("k8s.io", image.layer1.digest().toString()))
                .hasValueSatisfying(i -> assertThat(i.getSize()).isEqualTo(image.layer1.size()));
        assertThat(client.info("moby", image.layer1.digest().toString())).isEmpty();
        assertThat(client.listImages("k8s.io", List.of(ImageRecords.NAME_FILTER)))
                .hasSize(1);
        assertThat(fake.namespacesSeen).containsExactlyInAnyOrder("k8s.io", "moby");
    }

    @Test
    void readStreamsChunksFromAnOffsetAndCanBeAbandoned() throws Exception {
        Digest d = image.layer1.digest();
        byte[] all = image.blobs.get(d);
        try (InputStream in = client.read("k8s.io", d.toString(), 100_000)) {
            assertThat(in.readAllBytes()).isEqualTo(java.util.Arrays.copyOfRange(all, 100_000, all.length));
        }
        try (InputStream in = client.read("k8s.io", d.toString(), 0)) {
            assertThat(in.read()).isEqualTo(all[0] & 0xff);
        } // closed after one byte: the call is cancelled, not drained
        try (InputStream in = client.read("k8s.io", Digest.sha256(new byte[0]).toString(), 0)) {
            assertThatThrownBy(in::read)
                    .isInstanceOfSatisfying(
                            ContainerdException.class, e -> assertThat(e.code()).isEqualTo(Status.Code.NOT_FOUND));
        }
    }

    @Test
    void outageIsUnavailable() {
        fake.down.set(true);
        assertThatThrownBy(client::version)
                .isInstanceOfSatisfying(
                        ContainerdException.class, e -> assertThat(e.code()).isEqualTo(Status.Code.UNAVAILABLE));
    }
}
