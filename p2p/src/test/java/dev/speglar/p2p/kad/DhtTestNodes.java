package dev.speglar.p2p.kad;

import dev.speglar.p2p.crypto.Ed25519Identity;
import dev.speglar.p2p.host.Host;
import dev.speglar.p2p.host.HostConfig;
import dev.speglar.p2p.identify.IdentifyService;
import dev.speglar.p2p.multiformats.Multiaddr;
import dev.speglar.p2p.ping.PingService;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** In-process DHT nodes on loopback addresses (real TCP, Noise, yamux), each with its own host and small k. */
final class DhtTestNodes implements AutoCloseable {
    static final String KAD = "/spegel/kad/1.0.0";

    final List<Host> hosts = new ArrayList<>();
    final List<Dht> dhts = new ArrayList<>();
    private final int k;
    private final Duration requestTimeout;

    DhtTestNodes(int k, Duration requestTimeout) {
        this.k = k;
        this.requestTimeout = requestTimeout;
    }

    /** A node listening on {@code ip}, with k and alpha both {@code k}. */
    Dht node(String ip) {
        Host h = new Host(Ed25519Identity.generate(), HostConfig.defaults());
        List<Multiaddr> self = new ArrayList<>();
        new PingService(h);
        IdentifyService id = new IdentifyService(h, () -> self);
        DhtConfig cfg = new DhtConfig(
                KAD, k, k, Duration.ofMinutes(19), Duration.ofMinutes(15), requestTimeout, Duration.ofMinutes(10));
        Dht dht = new Dht(h, cfg, () -> self);
        h.onConnection(c -> id.identify(c).thenAccept(msg -> dht.peerIdentified(c, msg)));
        InetSocketAddress a = h.listen(new InetSocketAddress(ip, 0));
        self.add(Multiaddr.tcp(a.getAddress(), a.getPort()));
        hosts.add(h);
        dhts.add(dht);
        return dht;
    }

    /** Node {@code from} dials node {@code to}. */
    void connect(int from, int to) throws Exception {
        Host t = hosts.get(to);
        hosts.get(from)
                .connect(
                        t.peerId(),
                        List.of(Multiaddr.tcp(
                                t.boundAddresses().getFirst().getAddress(),
                                t.boundAddresses().getFirst().getPort())))
                .get(10, TimeUnit.SECONDS);
    }

    /** Node {@code i} keeps its connections but never answers a DHT request (a peer too busy to answer in time). */
    void mute(int i) {
        hosts.get(i).protocols().register(KAD, c -> (s, data) -> {});
    }

    /** Node {@code i} answers DHT requests again. */
    void unmute(int i) {
        Dht d = dhts.get(i);
        hosts.get(i).protocols().register(KAD, c -> new KadServer(d, c));
    }

    @Override
    public void close() {
        hosts.forEach(Host::close);
    }
}
