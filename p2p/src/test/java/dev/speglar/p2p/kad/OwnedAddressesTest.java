package dev.speglar.p2p.kad;

import static org.assertj.core.api.Assertions.assertThat;

import dev.speglar.p2p.multiformats.Multiaddr;
import java.net.InetAddress;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OwnedAddressesTest {
    private static final InetAddress V4 = InetAddress.ofLiteral("10.0.0.5");
    private static final InetAddress V6 = InetAddress.ofLiteral("fd00:5a::5");
    private static final List<Multiaddr> CLAIMED = List.of(
            Multiaddr.parse("/ip4/10.0.0.5/tcp/5001"),
            Multiaddr.parse("/ip6/fd00:5a::5/tcp/5002"),
            Multiaddr.parse("/ip4/10.0.0.98/tcp/5001"));

    private static List<String> owned(InetAddress source, Set<InetAddress> confirmed, List<Multiaddr> claimed) {
        return OwnedAddresses.filter(source, confirmed, claimed).stream()
                .map(Multiaddr::toString)
                .toList();
    }

    @Test
    void anIpv6SenderKeepsItsIpv6Address() {
        assertThat(owned(V6, Set.of(), CLAIMED)).containsExactly("/ip6/fd00:5a::5/tcp/5002");
    }

    @Test
    void aDualStackSenderOverIpv4KeepsItsIpv6AddressOnlyOnceConfirmed() {
        assertThat(owned(V4, Set.of(), CLAIMED)).containsExactly("/ip4/10.0.0.5/tcp/5001");
        assertThat(owned(V4, Set.of(V4, V6), CLAIMED))
                .containsExactly("/ip4/10.0.0.5/tcp/5001", "/ip6/fd00:5a::5/tcp/5002");
    }

    @Test
    void aThirdHostIsNeverKept() {
        assertThat(owned(V4, Set.of(V6), CLAIMED)).doesNotContain("/ip4/10.0.0.98/tcp/5001");
    }

    @Test
    void theStandInTakesAPortOfTheSendersFamily() {
        List<Multiaddr> elsewhere =
                List.of(Multiaddr.parse("/ip4/10.0.0.98/tcp/4001"), Multiaddr.parse("/ip6/fd00::98/tcp/4002"));
        assertThat(owned(V6, Set.of(), elsewhere)).containsExactly("/ip6/fd00:5a::5/tcp/4002");
        assertThat(owned(V4, Set.of(), elsewhere)).containsExactly("/ip4/10.0.0.5/tcp/4001");
        assertThat(owned(V6, Set.of(), List.of(Multiaddr.parse("/ip4/10.0.0.98/tcp/4001"))))
                .containsExactly("/ip6/fd00:5a::5/tcp/4001");
    }
}
