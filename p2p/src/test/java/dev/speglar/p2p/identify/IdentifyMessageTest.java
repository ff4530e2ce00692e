package dev.speglar.p2p.identify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.speglar.p2p.P2pProtocolException;
import dev.speglar.p2p.crypto.Ed25519Identity;
import dev.speglar.p2p.multiformats.Multiaddr;
import dev.speglar.p2p.proto.ProtoWriter;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class IdentifyMessageTest {
    private final Ed25519Identity id = Ed25519Identity.fromSeed(new byte[32]);

    @Test
    void encodesFieldsInGoJsOrderAndRoundTrips() {
        IdentifyMessage m = new IdentifyMessage(
                "ipfs/0.1.0",
                "speglar/0.1",
                id.publicKeyProtobuf(),
                List.of(Multiaddr.parse("/ip4/127.0.0.1/tcp/39959")),
                Multiaddr.parse("/ip4/127.0.0.2/tcp/1"),
                List.of("/ipfs/id/1.0.0", "/spegel/kad/1.0.0"));
        byte[] b = m.encode();
        // Same leading bytes as the js capture: field 5 "ipfs/0.1.0".
        assertThat(HexFormat.of().formatHex(b)).startsWith("2a0a697066732f302e312e30");
        IdentifyMessage d = IdentifyMessage.decode(b);
        assertThat(d.publicKey()).isEqualTo(id.publicKeyProtobuf());
        assertThat(d.listenAddrs()).isEqualTo(m.listenAddrs());
        assertThat(d.observedAddr()).isEqualTo(m.observedAddr());
        assertThat(d.protocols()).isEqualTo(m.protocols());
    }

    @Test
    void mergesSplitMessagesAndSkipsUnknownAddresses() {
        byte[] first = new ProtoWriter()
                .bytes(1, id.publicKeyProtobuf())
                .bytes(2, Multiaddr.parse("/ip4/10.0.0.1/tcp/5001").bytes())
                .bytes(2, HexFormat.of().parseHex("e00701"))
                .string(3, "/spegel/kad/1.0.0")
                .toByteArray();
        // go sends the signed peer record alone in a second message when the first would exceed 2 KiB.
        byte[] second = new ProtoWriter()
                .bytes(8, new byte[300])
                .string(3, "/ipfs/ping/1.0.0")
                .toByteArray();
        IdentifyMessage m = IdentifyMessage.merge(IdentifyMessage.decode(first), second);
        assertThat(m.listenAddrs()).extracting(Object::toString).containsExactly("/ip4/10.0.0.1/tcp/5001");
        assertThat(m.protocols()).containsExactly("/spegel/kad/1.0.0", "/ipfs/ping/1.0.0");
        assertThat(m.publicKey()).isEqualTo(id.publicKeyProtobuf());
    }

    @Test
    void tooManyProtocolsIsRejected() {
        ProtoWriter w = new ProtoWriter();
        for (int i = 0; i < 300; i++) {
            w.string(3, "/p/" + i);
        }
        assertThatThrownBy(() -> IdentifyMessage.decode(w.toByteArray())).isInstanceOf(P2pProtocolException.class);
    }
}
