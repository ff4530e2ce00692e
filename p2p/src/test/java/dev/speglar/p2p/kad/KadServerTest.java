package dev.speglar.p2p.kad;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.speglar.p2p.crypto.Ed25519Identity;
import dev.speglar.p2p.host.Connection;
import dev.speglar.p2p.host.Host;
import dev.speglar.p2p.host.HostConfig;
import dev.speglar.p2p.multiformats.Cid;
import dev.speglar.p2p.multiformats.Multiaddr;
import dev.speglar.p2p.multiformats.PeerId;
import dev.speglar.p2p.multistream.MultistreamMessages;
import dev.speglar.p2p.proto.DelimitedReader;
import dev.speglar.p2p.proto.ProtoWriter;
import dev.speglar.p2p.yamux.StreamHandler;
import dev.speglar.p2p.yamux.YamuxStream;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The DHT server as go drives it: lazy negotiation, many requests per stream, strict ADD_PROVIDER. */
class KadServerTest {
    private static final String KAD = "/spegel/kad/1.0.0";
    private Host server;
    private Dht dht;
    private Host client;
    private Connection conn;

    @BeforeEach
    void start() throws Exception {
        server = new Host(Ed25519Identity.generate(), HostConfig.defaults());
        InetSocketAddress addr = server.listen(new InetSocketAddress("127.0.0.40", 0));
        List<Multiaddr> self = List.of(Multiaddr.tcp(addr.getAddress(), addr.getPort()));
        dht = new Dht(server, DhtConfig.defaults(KAD), () -> self);
        client = new Host(Ed25519Identity.generate(), HostConfig.defaults());
        client.listen(new InetSocketAddress("127.0.0.41", 0)); // dials then come from 127.0.0.41
        conn = client.dial(addr, server.peerId()).get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    /** Collects everything the server writes on a raw stream and whether it was reset. */
    private static final class Recorder implements StreamHandler {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        volatile boolean reset;

        @Override
        public synchronized void onData(YamuxStream s, ByteBuf data) {
            byte[] b = new byte[data.readableBytes()];
            data.readBytes(b);
            bytes.writeBytes(b);
        }

        @Override
        public void onReset(YamuxStream s, Throwable cause) {
            reset = true;
        }

        synchronized List<KadMessage> messages() {
            ByteBuf in = Unpooled.wrappedBuffer(bytes.toByteArray());
            assertThat(MultistreamMessages.tryRead(in)).isEqualTo(MultistreamMessages.HEADER);
            assertThat(MultistreamMessages.tryRead(in)).isEqualTo(KAD);
            List<KadMessage> out = new CopyOnWriteArrayList<>();
            new DelimitedReader(KadMessage.MAX_SIZE).feed(in).forEach(m -> out.add(KadMessage.decode(m)));
            return out;
        }
    }

    private static byte[] lazyOpen(byte[]... messages) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(MultistreamMessages.encode(MultistreamMessages.HEADER));
        out.writeBytes(MultistreamMessages.encode(KAD));
        for (byte[] m : messages) {
            out.writeBytes(ProtoWriter.lengthPrefixed(m));
        }
        return out.toByteArray();
    }

    @Test
    void answersManyRequestsOnOneLazilyNegotiatedStream() throws Exception {
        byte[] key = Cid.ofKey("sha256:x").multihash().bytes();
        PeerId me = client.peerId();
        KadMessage add = new KadMessage(
                KadMessage.Type.ADD_PROVIDER,
                key,
                List.of(),
                List.of(new KadPeer(me, List.of(Multiaddr.parse("/ip4/127.0.0.41/tcp/5001")))));
        Recorder r = new Recorder();
        YamuxStream s = conn.openRawStream(r).get(5, TimeUnit.SECONDS);
        s.write(lazyOpen(
                KadMessage.request(KadMessage.Type.FIND_NODE, me.bytes()).encode(),
                add.encode(),
                KadMessage.request(KadMessage.Type.GET_PROVIDERS, key).encode(),
                KadMessage.request(KadMessage.Type.PING, new byte[0]).encode()));
        await().atMost(Duration.ofSeconds(10)).until(() -> r.messages().size() == 3);
        List<KadMessage> got = r.messages();
        assertThat(got.get(0).type()).isEqualTo(KadMessage.Type.FIND_NODE);
        assertThat(got.get(1).type()).isEqualTo(KadMessage.Type.GET_PROVIDERS);
        assertThat(got.get(1).providerPeers()).singleElement().satisfies(p -> {
            assertThat(p.id()).isEqualTo(me);
            assertThat(p.addrs()).extracting(Object::toString).containsExactly("/ip4/127.0.0.41/tcp/5001");
        });
        assertThat(got.get(2).type()).isEqualTo(KadMessage.Type.PING);
        assertThat(r.reset).isFalse();
    }

    @Test
    void addProviderKeepsOnlyTheAddressesTheSenderOwns() throws Exception {
        byte[] key = Cid.ofKey("sha256:owned").multihash().bytes();
        KadMessage add = new KadMessage(
                KadMessage.Type.ADD_PROVIDER,
                key,
                List.of(),
                List.of(new KadPeer(
                        client.peerId(),
                        List.of(
                                Multiaddr.parse("/ip4/127.0.0.98/tcp/5001"),
                                Multiaddr.parse("/ip4/127.0.0.41/tcp/5002"),
                                Multiaddr.parse("/ip6/::1/tcp/5001")))));
        new KadClient(client, new PeerStore(), KAD, Duration.ofSeconds(5))
                .send(server.peerId(), add)
                .get(5, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> !dht.providerStore().get(key).isEmpty());
        assertThat(dht.providerStore().get(key))
                .singleElement()
                .satisfies(p ->
                        assertThat(p.addrs()).extracting(Object::toString).containsExactly("/ip4/127.0.0.41/tcp/5002"));
        assertThat(dht.peerStore().get(client.peerId()))
                .extracting(Object::toString)
                .doesNotContain("/ip4/127.0.0.98/tcp/5001", "/ip6/::1/tcp/5001");
    }

    @Test
    void aRecordNamingOnlyAThirdHostIsRewrittenToTheSendersAddress() throws Exception {
        byte[] key = Cid.ofKey("sha256:forged").multihash().bytes();
        KadMessage add = new KadMessage(
                KadMessage.Type.ADD_PROVIDER,
                key,
                List.of(),
                List.of(new KadPeer(client.peerId(), List.of(Multiaddr.parse("/ip4/127.0.0.98/tcp/5001")))));
        new KadClient(client, new PeerStore(), KAD, Duration.ofSeconds(5))
                .send(server.peerId(), add)
                .get(5, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> !dht.providerStore().get(key).isEmpty());
        KadMessage resp = new KadClient(client, new PeerStore(), KAD, Duration.ofSeconds(5))
                .request(server.peerId(), KadMessage.request(KadMessage.Type.GET_PROVIDERS, key))
                .get(5, TimeUnit.SECONDS);
        assertThat(resp.providerPeers())
                .singleElement()
                .satisfies(p ->
                        assertThat(p.addrs()).extracting(Object::toString).containsExactly("/ip4/127.0.0.41/tcp/5001"));
    }

    @Test
    void addProviderForAnotherPeerResetsTheStreamAndStoresNothing() throws Exception {
        byte[] key = Cid.ofKey("sha256:y").multihash().bytes();
        PeerId other = Ed25519Identity.generate().peerId();
        KadMessage add = new KadMessage(
                KadMessage.Type.ADD_PROVIDER,
                key,
                List.of(),
                List.of(new KadPeer(other, List.of(Multiaddr.parse("/ip4/10.0.0.9/tcp/5001")))));
        Recorder r = new Recorder();
        YamuxStream s = conn.openRawStream(r).get(5, TimeUnit.SECONDS);
        s.write(lazyOpen(add.encode()));
        await().atMost(Duration.ofSeconds(10)).until(() -> r.reset);
        assertThat(dht.providerStore().get(key)).isEmpty();
        // Only the stream died, not the connection.
        assertThat(conn.isActive()).isTrue();
    }

    @Test
    void findNodeOmitsRequesterAndPeersWithoutAddresses() throws Exception {
        PeerId known = Ed25519Identity.generate().peerId();
        dht.peerStore().add(known, List.of(Multiaddr.parse("/ip4/10.1.1.1/tcp/5001")));
        dht.routingTable().add(known);
        dht.routingTable().add(Ed25519Identity.generate().peerId());
        dht.routingTable().add(client.peerId());
        dht.peerStore().add(client.peerId(), List.of(Multiaddr.parse("/ip4/127.0.0.41/tcp/1")));
        KadMessage resp = new KadClient(client, new PeerStore(), KAD, Duration.ofSeconds(5))
                .request(server.peerId(), KadMessage.request(KadMessage.Type.FIND_NODE, new byte[] {1, 2, 3}))
                .get(10, TimeUnit.SECONDS);
        assertThat(resp.closerPeers()).extracting(KadPeer::id).containsExactly(known);
    }
}
