package dev.speglar.p2p.tool;

import dev.speglar.p2p.BootstrapConfig;
import dev.speglar.p2p.P2pConfig;
import dev.speglar.p2p.P2pNode;
import dev.speglar.p2p.Provider;
import dev.speglar.p2p.ProviderStream;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A standalone node for manual and scripted interop runs (js-libp2p, a real Spegel):
 * {@code P2pNodeMain <listen> [static-bootstrap-multiaddr…]} with env P2P_DATA_DIR optional. Reads commands on
 * stdin: {@code advertise <key>}, {@code withdraw <key>}, {@code lookup <key> <count>}, {@code peers},
 * {@code ready}, {@code quit}; answers one line each.
 */
public final class P2pNodeMain {
    private P2pNodeMain() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: P2pNodeMain <listen e.g. 127.0.0.5:5001> [bootstrap multiaddr…]");
            System.exit(2);
        }
        List<String> seeds = Arrays.asList(args).subList(1, args.length);
        String dataDir = System.getenv("P2P_DATA_DIR");
        P2pConfig cfg = P2pConfig.builder()
                .listenAddress(args[0])
                .dataDir(dataDir == null || dataDir.isEmpty() ? null : Path.of(dataDir))
                .bootstrap(seeds.isEmpty() ? BootstrapConfig.none() : BootstrapConfig.staticPeers(seeds))
                .build();
        try (P2pNode node = P2pNode.start(cfg)) {
            System.out.println("ID " + node.peerId());
            node.listenAddrs().forEach(a -> System.out.println("ADDR " + a + "/p2p/" + node.peerId()));
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null) {
                String[] p = line.trim().split("\\s+");
                switch (p[0]) {
                    case "advertise" -> {
                        node.advertise(List.of(p[1]));
                        System.out.println("OK");
                    }
                    case "withdraw" -> {
                        node.withdraw(List.of(p[1]));
                        System.out.println("OK");
                    }
                    case "lookup" -> System.out.println("FOUND " + lookup(node, p[1], Integer.parseInt(p[2])));
                    case "peers" -> System.out.println("PEERS " + node.peers());
                    case "ready" -> System.out.println("READY " + node.ready());
                    case "quit" -> {
                        return;
                    }
                    default -> System.out.println("ERR unknown command " + p[0]);
                }
                System.out.flush();
            }
        }
    }

    private static List<String> lookup(P2pNode node, String key, int count) throws InterruptedException {
        List<String> out = new ArrayList<>();
        try (ProviderStream s = node.lookup(key, count)) {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!s.finished() && System.nanoTime() < deadline) {
                Optional<Provider> p = s.poll(Duration.ofMillis(500));
                p.ifPresent(v -> out.add(v.peerId() + "@" + v.addresses()));
            }
        }
        return out;
    }
}
