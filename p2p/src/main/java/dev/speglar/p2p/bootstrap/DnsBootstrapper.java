package dev.speglar.p2p.bootstrap;

import dev.speglar.p2p.multiformats.Multiaddr;
import dev.speglar.p2p.multiformats.Protocol;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A/AAAA records of a name: per family sorted ascending, first 3 kept, returned as IP-only multiaddrs with no id
 * (the loop appends our own TCP port). With a headless service every node converges on the same lowest IPs.
 */
public final class DnsBootstrapper implements Bootstrapper {
    static final int PER_FAMILY = 3;

    /** Name resolution, replaceable in tests. */
    public interface Resolver {
        InetAddress[] resolve(String name) throws UnknownHostException;
    }

    private final String domain;
    private final Resolver resolver;

    public DnsBootstrapper(String domain) {
        this(domain, InetAddress::getAllByName);
    }

    public DnsBootstrapper(String domain, Resolver resolver) {
        this.domain = domain;
        this.resolver = resolver;
    }

    @Override
    public List<BootstrapPeer> get() throws IOException {
        InetAddress[] all = resolver.resolve(domain);
        List<BootstrapPeer> out = new ArrayList<>();
        for (boolean v4 : new boolean[] {true, false}) {
            Arrays.stream(all)
                    .filter(a -> (a instanceof Inet4Address) == v4)
                    .distinct()
                    .map(InetAddress::getAddress)
                    .sorted(Arrays::compareUnsigned)
                    .limit(PER_FAMILY)
                    .forEach(b -> out.add(new BootstrapPeer(
                            null,
                            List.of(Multiaddr.of(List.of(
                                    new Multiaddr.Component(b.length == 4 ? Protocol.IP4 : Protocol.IP6, b)))))));
        }
        if (out.isEmpty()) {
            throw new UnknownHostException("no A/AAAA records for " + domain);
        }
        return out;
    }
}
