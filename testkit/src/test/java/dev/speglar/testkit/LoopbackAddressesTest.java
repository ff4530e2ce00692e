package dev.speglar.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LoopbackAddressesTest {
    @Test
    void handsOutDistinctLoopbackAddressesWithBindablePorts() throws Exception {
        Set<InetAddress> seen = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            InetSocketAddress a = LoopbackAddresses.next();
            assertThat(a.getAddress().isLoopbackAddress()).isTrue();
            assertThat(a.getAddress().getHostAddress()).startsWith("127.0.0.").isNotEqualTo("127.0.0.1");
            assertThat(seen.add(a.getAddress())).isTrue();
            try (ServerSocket s = new ServerSocket()) {
                s.bind(a);
                assertThat(s.getLocalPort()).isEqualTo(a.getPort());
            }
        }
    }
}
