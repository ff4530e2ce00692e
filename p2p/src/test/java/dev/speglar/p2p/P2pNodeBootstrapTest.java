package dev.speglar.p2p;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** DNS and HTTP bootstrap between real nodes, and retrying until a seed appears. */
class P2pNodeBootstrapTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private final List<P2pNode> nodes = new ArrayList<>();

    @AfterEach
    void stop() {
        nodes.forEach(P2pNode::close);
    }

    private P2pNode start(String listen, BootstrapConfig bootstrap) {
        P2pNode n = P2pNode.start(
                P2pConfig.builder().listenAddress(listen).bootstrap(bootstrap).build());
        nodes.add(n);
        return n;
    }

    private static int freePort(String ip) throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(ip))) {
            return s.getLocalPort();
        }
    }

    @Test
    void dnsSeedsGetOurOwnPortAppended() throws Exception {
        // "localhost" resolves to 127.0.0.1 (and maybe ::1); the seed listens there on the port the joiner uses.
        int port = freePort("127.0.0.1");
        P2pNode seed = start("127.0.0.1:" + port, BootstrapConfig.none());
        P2pNode joiner = start("127.0.0.60:" + port, new BootstrapConfig.Dns("localhost"));
        await().atMost(WAIT).until(() -> joiner.ready() && seed.ready());
        assertThat(joiner.peers()).extracting(Provider::peerId).containsExactly(seed.peerId());
    }

    @Test
    void httpBootstrapServesAndFetchesTheIdDocument() throws Exception {
        int httpPort = freePort("127.0.0.61");
        P2pNode seed = start("127.0.0.61:0", new BootstrapConfig.Http(null, "127.0.0.61:" + httpPort));
        P2pNode joiner = start("127.0.0.62:0", new BootstrapConfig.Http("http://127.0.0.61:" + httpPort + "/id", null));
        await().atMost(WAIT).until(() -> joiner.ready() && seed.ready());
        assertThat(seed.peers()).extracting(Provider::peerId).containsExactly(joiner.peerId());
    }

    @Test
    void retriesWithBackoffUntilTheSeedComesUp() throws Exception {
        int port = freePort("127.0.0.63");
        P2pNode joiner = start("127.0.0.64:0", BootstrapConfig.staticPeers(List.of("/ip4/127.0.0.63/tcp/" + port)));
        assertThat(joiner.ready()).isFalse();
        P2pNode seed = start("127.0.0.63:" + port, BootstrapConfig.none());
        await().atMost(WAIT).until(() -> joiner.ready() && seed.ready());
    }
}
