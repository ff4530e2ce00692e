package dev.speglar.p2p.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class X25519RandomTest {
    @Test
    void threadsGenerateDistinctKeysThatAgree() throws Exception {
        Set<String> keys = ConcurrentHashMap.newKeySet();
        try (var pool = Executors.newFixedThreadPool(8)) {
            List<? extends Future<?>> all = IntStream.range(0, 8)
                    .mapToObj(t -> pool.submit(() -> {
                        for (int i = 0; i < 50; i++) {
                            keys.add(HexFormat.of().formatHex(X25519.generatePrivate()));
                        }
                    }))
                    .toList();
            for (Future<?> f : all) {
                f.get();
            }
        }
        assertThat(keys).hasSize(400).allSatisfy(k -> assertThat(k).hasSize(64));
        byte[] a = X25519.generatePrivate();
        byte[] b = X25519.generatePrivate();
        assertThat(X25519.dh(a, X25519.publicKey(b))).isEqualTo(X25519.dh(b, X25519.publicKey(a)));
    }
}
