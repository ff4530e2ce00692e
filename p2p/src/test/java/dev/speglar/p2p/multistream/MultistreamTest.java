package dev.speglar.p2p.multistream;

import static dev.speglar.p2p.Vectors.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.speglar.p2p.P2pProtocolException;
import dev.speglar.p2p.Vectors;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MultistreamTest {
    @Test
    void messagesMatchVectors() {
        for (Map<String, Object> v : Vectors.list("multistream")) {
            String text = ((String) v.get("text")).replace("\\n", "");
            assertThat(MultistreamMessages.encode(text)).as(text).isEqualTo(hex(v.get("bytes")));
            assertThat(MultistreamMessages.tryRead(Unpooled.wrappedBuffer(hex(v.get("bytes")))))
                    .isEqualTo(text);
        }
    }

    @Test
    void listenerAnswersNaThenEchoesAndKeepsLazyApplicationBytes() {
        MultistreamNegotiator l = MultistreamNegotiator.listener("/noise"::equals);
        ByteBuf out = Unpooled.buffer();
        l.start(out);
        ByteBuf in = Unpooled.buffer();
        in.writeBytes(MultistreamMessages.encode("/multistream/1.0.0"));
        in.writeBytes(MultistreamMessages.encode("/tls/1.0.0"));
        assertThat(l.feed(in, out)).isNull();
        in.writeBytes(MultistreamMessages.encode("/noise"));
        in.writeBytes(new byte[] {1, 2, 3});
        assertThat(l.feed(in, out)).isEqualTo("/noise");
        assertThat(ByteBufUtil.hexDump(out))
                .isEqualTo("132f6d756c746973747265616d2f312e302e300a" + "036e610a" + "072f6e6f6973650a");
        assertThat(ByteBufUtil.getBytes(in)).containsExactly(1, 2, 3);
    }

    @Test
    void messagesSplitAcrossReadsAreReassembled() {
        MultistreamNegotiator d = MultistreamNegotiator.dialer("/ipfs/ping/1.0.0");
        byte[] all = hex("132f6d756c746973747265616d2f312e302e300a112f697066732f70696e672f312e302e300a");
        ByteBuf in = Unpooled.buffer();
        String got = null;
        for (byte b : all) {
            in.writeByte(b);
            got = d.feed(in, Unpooled.buffer());
        }
        assertThat(got).isEqualTo("/ipfs/ping/1.0.0");
    }

    @Test
    void naAndGarbageAreTypedErrors() {
        MultistreamNegotiator d = MultistreamNegotiator.dialer("/x");
        ByteBuf in = Unpooled.wrappedBuffer(hex("132f6d756c746973747265616d2f312e302e300a036e610a"));
        assertThatThrownBy(() -> d.feed(in, Unpooled.buffer())).isInstanceOf(ProtocolNotSupportedException.class);
        assertThatThrownBy(() -> MultistreamMessages.tryRead(Unpooled.wrappedBuffer(hex("ffff03"))))
                .isInstanceOf(P2pProtocolException.class);
        assertThatThrownBy(() -> MultistreamMessages.tryRead(Unpooled.wrappedBuffer(hex("0261626364"))))
                .isInstanceOf(P2pProtocolException.class);
        MultistreamNegotiator l = MultistreamNegotiator.listener(p -> false);
        ByteBuf spam = Unpooled.buffer();
        spam.writeBytes(MultistreamMessages.encode("/multistream/1.0.0"));
        for (int i = 0; i < 20; i++) {
            spam.writeBytes(MultistreamMessages.encode("/p" + i));
        }
        assertThatThrownBy(() -> l.feed(spam, Unpooled.buffer())).isInstanceOf(P2pProtocolException.class);
    }
}
