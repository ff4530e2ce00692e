package dev.speglar.p2p.multiformats;

import dev.speglar.p2p.P2pProtocolException;
import dev.speglar.p2p.proto.ProtoReader;
import dev.speglar.p2p.proto.ProtoWriter;
import java.util.Arrays;
import java.util.Optional;

/**
 * A libp2p peer id: the multihash of the PublicKey protobuf (identity multihash up to 42 bytes, else sha2-256).
 * Ids of any key type are parsed; only Ed25519 keys can be extracted.
 */
public final class PeerId {
    public static final int KEY_TYPE_ED25519 = 1;
    private static final int MAX_INLINE_KEY = 42;

    private final byte[] bytes;
    private final Multihash multihash;

    private PeerId(byte[] bytes) {
        this.multihash = Multihash.decode(bytes);
        if (multihash.code() != Multihash.IDENTITY && multihash.code() != Multihash.SHA2_256) {
            throw new P2pProtocolException("peer id must be an identity or sha2-256 multihash");
        }
        this.bytes = bytes.clone();
    }

    public static PeerId fromBytes(byte[] bytes) {
        return new PeerId(bytes);
    }

    /** Parses base58btc ("12D3KooW…", "Qm…") or CIDv1 base32 with the libp2p-key codec ("bafzaa…"). */
    public static PeerId parse(String text) {
        if (text.startsWith("b")) {
            Cid cid = Cid.parse(text);
            if (cid.codec() != Cid.LIBP2P_KEY) {
                throw new P2pProtocolException("CID is not a libp2p-key");
            }
            return new PeerId(cid.multihash().bytes());
        }
        return new PeerId(Base58.decode(text));
    }

    /** The deterministic PublicKey protobuf: 08 type 12 len data. */
    public static byte[] publicKeyProtobuf(int keyType, byte[] keyData) {
        return new ProtoWriter().varint(1, keyType).bytes(2, keyData).toByteArray();
    }

    public static PeerId fromPublicKeyProtobuf(byte[] pb) {
        Multihash mh = pb.length <= MAX_INLINE_KEY ? Multihash.identity(pb) : Multihash.sha256(pb);
        return new PeerId(mh.bytes());
    }

    public static PeerId fromEd25519(byte[] rawPublicKey) {
        return fromPublicKeyProtobuf(publicKeyProtobuf(KEY_TYPE_ED25519, rawPublicKey));
    }

    /** The raw 32-byte Ed25519 key inlined in this id, if it is an identity-multihash Ed25519 id. */
    public Optional<byte[]> ed25519PublicKey() {
        if (multihash.code() != Multihash.IDENTITY) {
            return Optional.empty();
        }
        return Optional.ofNullable(decodeEd25519(multihash.digest()));
    }

    /** Decodes an Ed25519 PublicKey protobuf; null if the key is of another type. */
    public static byte[] decodeEd25519(byte[] pb) {
        ProtoReader r = new ProtoReader(pb);
        long type = -1;
        byte[] data = null;
        while (r.next()) {
            switch (r.field()) {
                case 1 -> type = r.varint();
                case 2 -> data = r.bytes();
                default -> r.skip();
            }
        }
        if (type != KEY_TYPE_ED25519) {
            return null;
        }
        if (data == null || data.length != 32) {
            throw new P2pProtocolException("Ed25519 public key must be 32 bytes");
        }
        return data;
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    /** Kademlia id: sha256 of the peer-id bytes. */
    public byte[] kadId() {
        return Multihash.sha256Digest(bytes);
    }

    public String toBase58() {
        return Base58.encode(bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PeerId p && Arrays.equals(p.bytes, bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return toBase58();
    }
}
