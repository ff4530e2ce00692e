package dev.speglar.p2p.interop;

import dev.speglar.p2p.crypto.Ed25519Identity;
import dev.speglar.p2p.host.Host;
import dev.speglar.p2p.host.HostConfig;
import dev.speglar.p2p.identify.IdentifyService;
import dev.speglar.p2p.multiformats.Multiaddr;
import dev.speglar.p2p.ping.PingService;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/** Transport-level Java listeners (host + identify + ping) on their own loopback address; closes them all. */
final class JavaHosts implements AutoCloseable {
    record Listening(Host host, InetSocketAddress address) {
        String multiaddr() {
            return Multiaddr.tcp(address.getAddress(), address.getPort())
                    .withPeerId(host.peerId())
                    .toString();
        }
    }

    private final List<Host> hosts = new ArrayList<>();

    Listening start(String ip) {
        Host h = new Host(Ed25519Identity.generate(), HostConfig.defaults());
        hosts.add(h);
        new PingService(h);
        new IdentifyService(
                h,
                () -> h.boundAddresses().stream()
                        .map(s -> Multiaddr.tcp(s.getAddress(), s.getPort()))
                        .toList());
        return new Listening(h, h.listen(new InetSocketAddress(ip, 0)));
    }

    @Override
    public void close() {
        hosts.forEach(Host::close);
        hosts.clear();
    }
}
