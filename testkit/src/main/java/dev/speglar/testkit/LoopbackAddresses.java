package dev.speglar.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Hands out distinct 127.0.0.x addresses (x in 2..254, never 127.0.0.1) so every simulated node has its own address,
 * and free ports on them. The start is random per JVM, so parallel test JVMs on one machine rarely share an address;
 * a port is only handed out after a successful bind, so sharing one would still not clash.
 */
public final class LoopbackAddresses {
    private static final int FIRST = 2;
    private static final int COUNT = 253;
    private static final AtomicInteger NEXT =
            new AtomicInteger(ThreadLocalRandom.current().nextInt(COUNT));

    private LoopbackAddresses() {}

    /** A loopback address not handed out before in this JVM (wraps after 253). */
    public static InetAddress nextAddress() {
        int x = FIRST + Math.floorMod(NEXT.getAndIncrement(), COUNT);
        try {
            return InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) x});
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** A port that was free on {@code address} a moment ago (kernel-chosen ephemeral port). */
    public static int freePort(InetAddress address) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(address, 0));
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind on " + address, e);
        }
    }

    /** A fresh address together with a free port on it. */
    public static InetSocketAddress next() {
        InetAddress a = nextAddress();
        return new InetSocketAddress(a, freePort(a));
    }

    /** "host:port" for URLs and configs. */
    public static String hostPort(InetSocketAddress a) {
        return a.getAddress().getHostAddress() + ":" + a.getPort();
    }
}
