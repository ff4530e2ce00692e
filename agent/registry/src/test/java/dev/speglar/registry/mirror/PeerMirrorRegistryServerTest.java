package dev.speglar.registry.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import dev.speglar.oci.Digest;
import dev.speglar.oci.MediaTypes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The mirror between two real {@code RegistryServer}s: the peer side is Speglar's own local serving. */
class PeerMirrorRegistryServerTest extends MirrorTestSupport {
    private static final String LAYER = "application/vnd.oci.image.layer.v1.tar+gzip";

    @TempDir
    Path dir;

    private TwoNodes nodes() throws Exception {
        return track(new TwoNodes(dir, "127.0.0.61", "127.0.0.62", b -> b.raceBudgetFloor(Duration.ofSeconds(5))));
    }

    @Test
    void blobIsServedFromTheSeedThroughTheLeecher() throws Exception {
        var nodes = nodes();
        byte[] bytes = randomBytes(5_000_000, 51);
        var d = nodes.seedStore.add(LAYER, bytes);
        nodes.advertise(d.digest().toString());

        var r = get(nodes.leecher("/v2/library/app/blobs/" + d.digest() + "?ns=docker.io"));
        var ranged =
                get(nodes.leecher("/v2/library/app/blobs/" + d.digest() + "?ns=docker.io"), "Range", "bytes=4999990-");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(bytes);
        assertThat(r.headers().firstValue("Docker-Content-Digest"))
                .hasValue(d.digest().toString());
        assertThat(r.headers().firstValue("Content-Type")).hasValue(LAYER);
        assertThat(ranged.statusCode()).isEqualTo(206);
        assertThat(ranged.headers().firstValue("Content-Range")).hasValue("bytes 4999990-4999999/5000000");
        assertThat(ranged.body()).isEqualTo(java.util.Arrays.copyOfRange(bytes, 4_999_990, 5_000_000));
    }

    @Test
    void tagIsResolvedAtTheSeedAndTheManifestVerified() throws Exception {
        var nodes = nodes();
        byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"layers\":[]}")
                .getBytes(StandardCharsets.UTF_8);
        var d = nodes.seedStore.add(MediaTypes.OCI_MANIFEST, manifest);
        nodes.seedStore.tag("docker.io/library/app:1.0", d.digest());
        nodes.advertise("docker.io/library/app:1.0", d.digest().toString());

        var head = head(nodes.leecher("/v2/library/app/manifests/1.0?ns=docker.io"));
        var get = get(nodes.leecher("/v2/library/app/manifests/" + d.digest() + "?ns=docker.io"));

        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.headers().firstValue("Docker-Content-Digest"))
                .hasValue(d.digest().toString());
        assertThat(head.headers().firstValue("Content-Length")).hasValue(Integer.toString(manifest.length));
        assertThat(head.headers().firstValue("Content-Type")).hasValue(MediaTypes.OCI_MANIFEST);
        assertThat(get.statusCode()).isEqualTo(200);
        assertThat(get.body()).isEqualTo(manifest);
    }

    @Test
    void contentTheSeedAdvertisesButLostIsA404WithOneAttempt() throws Exception {
        var nodes = nodes();
        Digest gone = Digest.sha256("gone".getBytes());
        nodes.advertise(gone.toString());

        var r = get(nodes.leecher("/v2/library/app/blobs/" + gone + "?ns=docker.io"));

        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(body(r))
                .isEqualTo("{\"errors\":[{\"code\":\"BLOB_UNKNOWN\",\"detail\":{\"attempts\":1},"
                        + "\"message\":\"all request retries exhausted for " + gone + "\"}]}");
    }
}
