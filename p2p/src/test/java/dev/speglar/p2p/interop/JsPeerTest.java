package dev.speglar.p2p.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The fixture itself: two js peers find each other's content, and the fixture reports failures and cleans up. */
@Tag("real")
class JsPeerTest {
    @Test
    void jsPeersTalkAndFixtureCleansUp() {
        JsPeer a = JsPeer.start("127.0.0.41");
        try (a;
                JsPeer b = JsPeer.start("127.0.0.42")) {
            assertThat(a.addr()).startsWith("/ip4/127.0.0.41/tcp/").endsWith("/p2p/" + a.peerId());
            // Spegel's key → CID (contentKeys in vectors/vectors.json) proves the harness derives keys like upstream.
            Map<String, Object> cid =
                    a.call("cid sha256:c5b1261d6d3e43071626931fc004f70149baeba2c8ec672bd4f27761f8e1ad6b");
            assertThat(cid.get("cid")).isEqualTo("bafkreigz6f5mumot4wln2n2bqke2me6dwcu4335q32gzdpno5h6ttm5lim");
            assertThat(b.call("dial " + a.addr()).get("peer")).isEqualTo(a.peerId());
            b.call("provide hello");
            Map<String, Object> found = a.call("find hello 1 5000");
            assertThat(JsPeer.objects(found.get("providers")))
                    .extracting(p -> p.get("id"))
                    .containsExactly(b.peerId());
            assertThatThrownBy(() -> a.call("bogus")).hasMessageContaining("unknown command");
        }
        assertThat(a.isAlive()).isFalse();
    }

    @Test
    void deterministicIdentityFromSeed() {
        byte[] seed = new byte[32];
        for (int i = 0; i < 32; i++) {
            seed[i] = (byte) i;
        }
        try (JsPeer a = JsPeer.start("127.0.0.43", seed)) {
            // Identity A of vectors/vectors.json.
            assertThat(a.peerId()).isEqualTo("12D3KooWA4Xop1JaT3MHxwYMkCepYsv4iPVopMXwCz5iHYdBfeSB");
            assertThat(a.tryCall("dial /ip4/127.0.0.44/tcp/1/p2p/" + a.peerId(), Duration.ofSeconds(15))
                            .get("ok"))
                    .isEqualTo(false);
        }
    }
}
