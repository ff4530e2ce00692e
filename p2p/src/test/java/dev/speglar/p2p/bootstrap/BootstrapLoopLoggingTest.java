package dev.speglar.p2p.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.speglar.p2p.crypto.Ed25519Identity;
import dev.speglar.p2p.host.Host;
import dev.speglar.p2p.host.HostConfig;
import dev.speglar.p2p.kad.Dht;
import dev.speglar.p2p.kad.DhtConfig;
import dev.speglar.p2p.multiformats.Multiaddr;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** A node whose seeds do not answer retries with backoff and says so once, not once per attempt. */
class BootstrapLoopLoggingTest {
    private final ListAppender<ILoggingEvent> events = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(BootstrapLoop.class);
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private Host host;

    @BeforeEach
    void capture() {
        events.start();
        logger.addAppender(events);
        host = new Host(Ed25519Identity.generate(), HostConfig.defaults());
    }

    @AfterEach
    void release() {
        logger.detachAppender(events);
        scheduler.shutdownNow();
        host.close();
    }

    private List<String> messages() {
        return events.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Test
    void unreachableSeedIsRetriedQuietly() throws Exception {
        int deadPort;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.45"))) {
            deadPort = s.getLocalPort();
        }
        InetSocketAddress self = host.listen(new InetSocketAddress("127.0.0.46", 0));
        List<Multiaddr> own = List.of(Multiaddr.tcp(self.getAddress(), self.getPort()));
        Dht dht = new Dht(host, DhtConfig.defaults("/spegel/kad/1.0.0"), () -> own);
        BootstrapLoop loop = new BootstrapLoop(
                new StaticBootstrapper(List.of("/ip4/127.0.0.45/tcp/" + deadPort)),
                host,
                dht,
                () -> own,
                self.getPort(),
                scheduler);
        loop.start();
        // 50 ms doubling: six attempts are done after about 3 s.
        await().atMost(Duration.ofSeconds(20)).until(() -> attempts(loop) >= 6);
        loop.close();
        assertThat(loop.state()).isEqualTo(BootstrapLoop.State.SEARCHING);
        assertThat(messages())
                .filteredOn(m -> m.startsWith("bootstrapping from"))
                .hasSize(1);
        assertThat(messages())
                .filteredOn(m -> !m.startsWith("bootstrapping from"))
                .isEmpty();
    }

    @Test
    void aLoneNodeSaysSoOnce() throws Exception {
        InetSocketAddress self = host.listen(new InetSocketAddress("127.0.0.47", 0));
        List<Multiaddr> own = List.of(Multiaddr.tcp(self.getAddress(), self.getPort()));
        Dht dht = new Dht(host, DhtConfig.defaults("/spegel/kad/1.0.0"), () -> own);
        // Its only seed is itself (a one-node static list or headless service).
        BootstrapLoop loop = new BootstrapLoop(
                new StaticBootstrapper(List.of(own.getFirst() + "/p2p/" + host.peerId())),
                host,
                dht,
                () -> own,
                self.getPort(),
                scheduler);
        loop.start();
        await().atMost(Duration.ofSeconds(20)).until(() -> attempts(loop) >= 6);
        loop.close();
        assertThat(loop.state()).isEqualTo(BootstrapLoop.State.ALONE);
        assertThat(messages()).singleElement().asString().startsWith("no other bootstrap peer yet");
    }

    private static int attempts(BootstrapLoop loop) {
        return loop.attempts();
    }
}
