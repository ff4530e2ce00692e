package dev.speglar.agent.cli;

import java.net.InetSocketAddress;

/** Parses Go-style listen addresses: {@code :5000}, {@code 127.0.0.5:5000}, {@code [::1]:5000}. */
public final class Addresses {
    private Addresses() {}

    public static InetSocketAddress parse(String addr) {
        String a = addr.trim();
        int colon = a.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("address '" + addr + "' must contain a port, e.g. :5000");
        }
        String host = a.substring(0, colon);
        int port;
        try {
            port = Integer.parseInt(a.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("address '" + addr + "' has an invalid port");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("address '" + addr + "' has an invalid port");
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
    }
}
