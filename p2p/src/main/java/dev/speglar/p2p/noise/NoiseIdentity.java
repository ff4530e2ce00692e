package dev.speglar.p2p.noise;

import dev.speglar.p2p.P2pProtocolException;
import dev.speglar.p2p.crypto.Ed25519Identity;
import dev.speglar.p2p.multiformats.PeerId;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/** Binds a Noise static key to a libp2p identity: builds our signed payload and checks the remote one. */
public final class NoiseIdentity {
    static final byte[] PREFIX = "noise-libp2p-static-key:".getBytes(StandardCharsets.US_ASCII);
    public static final String YAMUX = "/yamux/1.0.0";

    /** What the handshake proved about the remote. */
    public record Remote(PeerId peerId, List<String> streamMuxers) {}

    private NoiseIdentity() {}

    public static byte[] signedData(byte[] noiseStaticPublic) {
        byte[] out = Arrays.copyOf(PREFIX, PREFIX.length + noiseStaticPublic.length);
        System.arraycopy(noiseStaticPublic, 0, out, PREFIX.length, noiseStaticPublic.length);
        return out;
    }

    public static NoisePayload payload(Ed25519Identity identity, byte[] noiseStaticPublic, List<String> muxers) {
        return new NoisePayload(identity.publicKeyProtobuf(), identity.sign(signedData(noiseStaticPublic)), muxers);
    }

    /**
     * Verifies the remote payload against the static key the handshake delivered; {@code expected} may be null.
     *
     * @throws PeerIdMismatchException when the remote proved a different id than the one dialed
     */
    public static Remote verify(byte[] payloadBytes, byte[] remoteStatic, PeerId expected) {
        NoisePayload p = NoisePayload.decode(payloadBytes);
        byte[] raw = PeerId.decodeEd25519(p.identityKey());
        if (raw == null) {
            throw new P2pProtocolException("only Ed25519 identities are supported");
        }
        if (!Ed25519Identity.verify(raw, signedData(remoteStatic), p.identitySig())) {
            throw new P2pProtocolException("noise identity signature does not verify");
        }
        PeerId actual = PeerId.fromPublicKeyProtobuf(p.identityKey());
        if (expected != null && !expected.equals(actual)) {
            throw new PeerIdMismatchException(expected, actual);
        }
        return new Remote(actual, p.streamMuxers());
    }
}
