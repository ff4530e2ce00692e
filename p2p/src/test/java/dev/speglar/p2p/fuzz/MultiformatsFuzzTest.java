package dev.speglar.p2p.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import dev.speglar.p2p.crypto.KeyFile;
import dev.speglar.p2p.multiformats.Base32;
import dev.speglar.p2p.multiformats.Base58;
import dev.speglar.p2p.multiformats.ByteReader;
import dev.speglar.p2p.multiformats.Cid;
import dev.speglar.p2p.multiformats.Multiaddr;
import dev.speglar.p2p.multiformats.Multihash;
import dev.speglar.p2p.multiformats.PeerId;
import dev.speglar.p2p.multiformats.Uvarint;
import dev.speglar.p2p.proto.ProtoReader;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.HexFormat;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Garbage into every multiformats / protobuf decoder: a value or P2pProtocolException, bounded, no hang. */
class MultiformatsFuzzTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final List<byte[]> MULTIADDRS = List.of(
            HEX.parseHex("047f000001060fa1"),
            HEX.parseHex("2900000000000000000000000000000001060fa1"),
            HEX.parseHex("047f000001060fa1a50326002408011220"
                    + "03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8"),
            HEX.parseHex("3609" + HEX.formatHex("localhost".getBytes()) + "060fa1"));
    private static final List<byte[]> IDS = List.of(
            HEX.parseHex("00240801122003a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8"),
            HEX.parseHex("1220d9f17aca31d3e596dd37418289a613c3b0a9cdefb0de8d91bdaee9fd39b3ab43"),
            HEX.parseHex("01551220d9f17aca31d3e596dd37418289a613c3b0a9cdefb0de8d91bdaee9fd39b3ab43"));
    private static final List<byte[]> PROTOS = List.of(
            HEX.parseHex("08041226" + "00240801122003a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8"),
            HEX.parseHex("080312221220d9f17aca31d3e596dd37418289a613c3b0a9cdefb0de8d91bdaee9fd39b3ab435001"),
            HEX.parseHex("2a0a697066732f302e312e30090102030405060708150102030418ff01"));

    @Provide
    Arbitrary<byte[]> multiaddrs() {
        return Mutations.garbage(MULTIADDRS, 300);
    }

    @Provide
    Arbitrary<byte[]> ids() {
        return Mutations.garbage(IDS, 200);
    }

    @Provide
    Arbitrary<byte[]> protos() {
        return Mutations.garbage(PROTOS, 300);
    }

    @Provide
    Arbitrary<String> texts() {
        return Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(300),
                Arbitraries.strings()
                        .withChars("/ip4tcp6p2dnsuq0123456789.:abcdef")
                        .ofMaxLength(120),
                Arbitraries.strings()
                        .withChars("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz0OIl")
                        .ofMaxLength(600),
                Arbitraries.strings()
                        .withChars("abcdefghijklmnopqrstuvwxyz234567=")
                        .ofMaxLength(300));
    }

    @Property(tries = 600)
    void multiaddrDecode(@ForAll("multiaddrs") byte[] in) {
        if (Decoding.decodesOrRejects(in, () -> Multiaddr.decode(in))) {
            // What decodes re-encodes to the same bytes and the text form parses back.
            Multiaddr m = Multiaddr.decode(in);
            assertThat(m.bytes()).isEqualTo(in);
            Decoding.decodesOrRejects(m.toString(), () -> Multiaddr.parse(m.toString()));
        }
        assertThat(Multiaddr.tryDecode(in).isPresent()).isEqualTo(isDecodable(in));
    }

    private static boolean isDecodable(byte[] in) {
        try {
            Multiaddr.decode(in);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Property(tries = 400)
    void multiaddrParse(@ForAll("texts") String text) {
        Decoding.decodesOrRejects(text, () -> Multiaddr.parse(text));
    }

    @Property(tries = 400)
    void varints(@ForAll("ids") byte[] in) {
        Decoding.decodesOrRejects(in, () -> new ByteReader(in).readUvarint());
        Decoding.decodesOrRejects(in, () -> new ByteReader(in).readLength(4 << 20));
        Decoding.decodesOrRejects(in, () -> {
            ByteBuf buf = Unpooled.wrappedBuffer(in);
            int before = buf.readerIndex();
            int len = Uvarint.tryReadLength(buf, 4 << 20);
            // Incomplete input must consume nothing so the frame decoder can wait for more bytes.
            if (len < 0 && buf.readerIndex() != before) {
                throw new AssertionError("incomplete varint consumed bytes");
            }
        });
    }

    @Property(tries = 500)
    void multihashCidPeerId(@ForAll("ids") byte[] in) {
        Decoding.decodesOrRejects(in, () -> Multihash.decode(in));
        Decoding.decodesOrRejects(in, () -> Cid.decode(in));
        Decoding.decodesOrRejects(in, () -> PeerId.fromBytes(in));
        Decoding.decodesOrRejects(in, () -> PeerId.decodeEd25519(in));
    }

    @Property(tries = 500)
    void textForms(@ForAll("texts") String text) {
        Decoding.decodesOrRejects(text, () -> Base58.decode(text));
        Decoding.decodesOrRejects(text, () -> Base32.decode(text));
        Decoding.decodesOrRejects(text, () -> Cid.parse(text));
        Decoding.decodesOrRejects(text, () -> PeerId.parse(text));
        Decoding.decodesOrRejects(
                text, () -> KeyFile.parse("-----BEGIN PRIVATE KEY-----\n" + text + "\n-----END PRIVATE KEY-----\n"));
    }

    @Property(tries = 600)
    void protobufReader(@ForAll("protos") byte[] in) {
        Decoding.decodesOrRejects(in, () -> {
            ProtoReader r = new ProtoReader(in);
            int fields = 0;
            while (r.next()) {
                if (++fields > in.length) {
                    throw new AssertionError("reader does not advance");
                }
                switch (r.wireType()) {
                    case 0 -> r.varint();
                    case 2 -> r.bytes();
                    default -> r.skip();
                }
            }
        });
    }
}
