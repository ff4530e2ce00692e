package dev.speglar.p2p.host;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * Parses Go-style listen addresses as upstream's flags take them (--router-addr, --registry-addr, --metrics-addr):
 * ":5001" (all interfaces), "127.0.0.5:5001", "[::1]:5001".
 */
public final class ListenAddress {
    private ListenAddress() {}

    public static InetSocketAddress parse(String address) {
        String text = address.strip();
        int colon = text.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("listen address must contain a port, e.g. :5000: " + text);
        }
        String host = text.substring(0, colon);
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad port in listen address: " + text, e);
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("bad port in listen address: " + text);
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (host.isEmpty()) {
            // Java's "::" socket is dual-stack, covering upstream's two listeners (:: and 0.0.0.0).
            return new InetSocketAddress(port);
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("cannot resolve listen host " + host, e);
        }
    }
}
