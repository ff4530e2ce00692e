package dev.speglar.p2p.noise;

import dev.speglar.p2p.P2pProtocolException;
import dev.speglar.p2p.proto.ProtoReader;
import dev.speglar.p2p.proto.ProtoWriter;
import java.util.ArrayList;
import java.util.List;

/** NoiseHandshakePayload: identity_key (1), identity_sig (2), extensions (4) { stream_muxers (2) }. */
public record NoisePayload(byte[] identityKey, byte[] identitySig, List<String> streamMuxers) {
    private static final int MAX_MUXERS = 16;

    public NoisePayload {
        streamMuxers = List.copyOf(streamMuxers);
    }

    public byte[] encode() {
        ProtoWriter w = new ProtoWriter().bytes(1, identityKey).bytes(2, identitySig);
        if (!streamMuxers.isEmpty()) {
            ProtoWriter ext = new ProtoWriter();
            streamMuxers.forEach(m -> ext.string(2, m));
            w.message(4, ext);
        }
        return w.toByteArray();
    }

    public static NoisePayload decode(byte[] data) {
        ProtoReader r = new ProtoReader(data);
        byte[] key = null;
        byte[] sig = null;
        List<String> muxers = new ArrayList<>();
        while (r.next()) {
            switch (r.field()) {
                case 1 -> key = r.bytes();
                case 2 -> sig = r.bytes();
                case 4 -> readExtensions(r.bytes(), muxers);
                default -> r.skip();
            }
        }
        if (key == null || sig == null) {
            throw new P2pProtocolException("noise payload lacks identity key or signature");
        }
        return new NoisePayload(key, sig, muxers);
    }

    private static void readExtensions(byte[] ext, List<String> muxers) {
        ProtoReader r = new ProtoReader(ext);
        while (r.next()) {
            if (r.field() == 2) {
                if (muxers.size() >= MAX_MUXERS) {
                    throw new P2pProtocolException("too many stream muxers in noise extensions");
                }
                muxers.add(r.string());
            } else {
                r.skip();
            }
        }
    }
}
