package dev.speglar.p2p.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.speglar.p2p.P2pNode;
import dev.speglar.p2p.crypto.Ed25519Identity;
import dev.speglar.p2p.host.Connection;
import dev.speglar.p2p.kad.KadMessage;
import dev.speglar.p2p.kad.KadMessage.Type;
import dev.speglar.p2p.kad.KadPeer;
import dev.speglar.p2p.multiformats.Cid;
import dev.speglar.p2p.multiformats.Multiaddr;
import dev.speglar.p2p.multiformats.PeerId;
import dev.speglar.p2p.ping.PingService;
import dev.speglar.p2p.proto.ProtoWriter;
import dev.speglar.p2p.yamux.StreamHandler;
import dev.speglar.p2p.yamux.YamuxStream;
import io.netty.buffer.ByteBuf;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Abuse on the DHT protocol of a live node: garbage and forged messages reset only their stream; the connection,
 * the node and its provider records stay intact.
 */
class KadStreamAbuseTest {
    private static final String KAD = "/spegel/kad/1.0.0";
    private final JavaNodes nodes = new JavaNodes();
    private final JavaHosts hosts = new JavaHosts();

    @AfterEach
    void close() {
        hosts.close();
        nodes.close();
    }

    /** Collects a stream's bytes and how it ended. */
    static final class Recorder implements StreamHandler {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final CompletableFuture<String> ended = new CompletableFuture<>();

        @Override
        public synchronized void onData(YamuxStream stream, ByteBuf data) {
            byte[] b = new byte[data.readableBytes()];
            data.readBytes(b);
            bytes.writeBytes(b);
        }

        @Override
        public void onRemoteClose(YamuxStream stream) {
            stream.closeWrite();
            ended.complete("fin");
        }

        @Override
        public void onReset(YamuxStream stream, Throwable cause) {
            ended.complete("reset");
        }

        synchronized byte[] received() {
            return bytes.toByteArray();
        }
    }

    @Test
    void garbageAndForgeriesResetTheirStreamOnly() throws Exception {
        P2pNode victim = nodes.start("127.0.0.111", List.of());
        String key = "sha256:" + "ab".repeat(32);
        victim.advertise(List.of(key));
        JavaHosts.Listening attacker = hosts.start("127.0.0.112");
        Connection c = attacker.host()
                .dial(JavaNodes.socketAddr(victim), PeerId.parse(victim.peerId()))
                .get(10, TimeUnit.SECONDS);
        Random rnd = new Random(3);

        byte[] garbage = new byte[300];
        rnd.nextBytes(garbage);
        byte[] hugeLength = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0x7f};
        byte[] badType =
                ProtoWriter.lengthPrefixed(new ProtoWriter().varint(1, 99).toByteArray());
        Multiaddr someAddr = Multiaddr.parse("/ip4/127.0.0.113/tcp/4001");
        byte[] forgedProvider = ProtoWriter.lengthPrefixed(new KadMessage(
                        Type.ADD_PROVIDER,
                        mh("forged"),
                        List.of(),
                        List.of(new KadPeer(Ed25519Identity.generate().peerId(), List.of(someAddr))))
                .encode());
        byte[] providerWithoutAddress = ProtoWriter.lengthPrefixed(new KadMessage(
                        Type.ADD_PROVIDER,
                        mh("noaddr"),
                        List.of(),
                        List.of(new KadPeer(attacker.host().peerId(), List.of())))
                .encode());
        byte[] oversizedKey = ProtoWriter.lengthPrefixed(
                KadMessage.request(Type.GET_PROVIDERS, new byte[81]).encode());
        for (byte[] abuse :
                List.of(garbage, hugeLength, badType, forgedProvider, providerWithoutAddress, oversizedKey)) {
            Recorder r = new Recorder();
            YamuxStream s = c.openStream(KAD, r).get(10, TimeUnit.SECONDS);
            s.write(abuse);
            assertThat(r.ended.get(10, TimeUnit.SECONDS)).isEqualTo("reset");
        }

        // Same connection still works: ping, and an honest GET_PROVIDERS on a new stream.
        assertThat(PingService.ping(c).get(10, TimeUnit.SECONDS)).isPositive();
        Recorder honest = new Recorder();
        YamuxStream s = c.openStream(KAD, honest).get(10, TimeUnit.SECONDS);
        s.write(ProtoWriter.lengthPrefixed(KadMessage.request(
                        Type.GET_PROVIDERS, Cid.ofKey(key).multihash().bytes())
                .encode()));
        await().atMost(Duration.ofSeconds(10)).until(() -> honest.received().length > 2);
        KadMessage resp = KadMessage.decode(unframe(honest.received()));
        assertThat(resp.providerPeers()).extracting(p -> p.id().toBase58()).containsExactly(victim.peerId());

        // The forged records were not stored: a fresh peer finds no provider for them.
        P2pNode probe = nodes.start("127.0.0.114", List.of(JavaNodes.dialAddr(victim)));
        await().atMost(Duration.ofSeconds(20)).until(probe::ready);
        for (String forged : List.of("forged", "noaddr")) {
            try (var stream = probe.lookup(forged, 1)) {
                assertThat(stream.poll(Duration.ofSeconds(5))).isEmpty();
            }
        }
        assertThat(JsInteropTest.firstProvider(probe, key).peerId()).isEqualTo(victim.peerId());
    }

    private static byte[] mh(String key) {
        return Cid.ofKey(key).multihash().bytes();
    }

    private static byte[] unframe(byte[] framed) {
        int len = 0;
        int shift = 0;
        int i = 0;
        while ((framed[i] & 0x80) != 0) {
            len |= (framed[i++] & 0x7f) << shift;
            shift += 7;
        }
        len |= framed[i++] << shift;
        return java.util.Arrays.copyOfRange(framed, i, i + len);
    }
}
