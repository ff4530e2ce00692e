package dev.speglar.p2p;

import java.util.List;
import java.util.Objects;

/** How a node finds its first peers (upstream --bootstrap-kind). */
public sealed interface BootstrapConfig {
    /** No bootstrap: the node waits to be dialed. */
    record None() implements BootstrapConfig {}

    /** Multiaddrs such as {@code /ip4/10.0.0.1/tcp/5001/p2p/12D3…}; the /p2p part may be omitted. */
    record Static(List<String> multiaddrs) implements BootstrapConfig {
        public Static {
            multiaddrs = List.copyOf(multiaddrs);
        }
    }

    /** A/AAAA records of {@code domain}; the first 3 of each family (sorted) get this node's TCP port appended. */
    record Dns(String domain) implements BootstrapConfig {
        public Dns {
            Objects.requireNonNull(domain, "domain");
        }
    }

    /**
     * Fetches {@code url} returning {@code [{"ID":…,"Addrs":[…]}]}; {@code serveAddress} (nullable, "host:port" or
     * ":port") serves this node's own info at {@code /id}; {@code certDir} (nullable, --http-bootstrap-cert-dir)
     * holds the client's optional {@code ca.crt} and {@code tls.crt} + {@code tls.key}.
     */
    record Http(String url, String serveAddress, java.nio.file.Path certDir) implements BootstrapConfig {
        public Http(String url, String serveAddress) {
            this(url, serveAddress, null);
        }
    }

    static BootstrapConfig none() {
        return new None();
    }

    static BootstrapConfig staticPeers(List<String> multiaddrs) {
        return new Static(multiaddrs);
    }
}
