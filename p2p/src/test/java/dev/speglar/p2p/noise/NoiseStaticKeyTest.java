package dev.speglar.p2p.noise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.speglar.p2p.P2pProtocolException;
import dev.speglar.p2p.crypto.Ed25519Identity;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class NoiseStaticKeyTest {
    private final Ed25519Identity alice = Ed25519Identity.generate();
    private final Ed25519Identity bob = Ed25519Identity.generate();
    private final NoiseStaticKey aliceKey = NoiseStaticKey.generate(alice);
    private final NoiseStaticKey bobKey = NoiseStaticKey.generate(bob);

    @Test
    void everyHandshakeOfAHostProvesItsStaticKeyWithFreshEphemeralKeys() {
        byte[] firstMessage = null;
        byte[] firstCiphertext = null;
        for (int round = 0; round < 2; round++) {
            NoiseHandshake i = aliceKey.handshake(NoiseHandshake.Role.INITIATOR);
            NoiseHandshake r = bobKey.handshake(NoiseHandshake.Role.RESPONDER);
            byte[] m1 = i.writeMessage1();
            assertThat(r.readMessage1(m1)).isEmpty();
            byte[] p2 = i.readMessage2(
                    r.writeMessage2(bobKey.payload(List.of(NoiseIdentity.YAMUX)).encode()));
            assertThat(i.remoteStatic()).isEqualTo(bobKey.publicKey());
            assertThat(NoiseIdentity.verify(p2, i.remoteStatic(), bob.peerId()).streamMuxers())
                    .containsExactly(NoiseIdentity.YAMUX);
            byte[] p3 =
                    r.readMessage3(i.writeMessage3(aliceKey.payload(List.of()).encode()));
            assertThat(r.remoteStatic()).isEqualTo(aliceKey.publicKey());
            assertThat(NoiseIdentity.verify(p3, r.remoteStatic(), null).peerId())
                    .isEqualTo(alice.peerId());

            byte[] plain = "hello".getBytes(StandardCharsets.UTF_8);
            byte[] ct = i.split()[0].encryptWithAd(new byte[0], plain);
            assertThat(r.split()[1].decryptWithAd(new byte[0], ct)).isEqualTo(plain);
            if (round == 0) {
                firstMessage = m1;
                firstCiphertext = ct;
            } else {
                // Same static keys, yet new ephemeral keys and so new session keys.
                assertThat(m1).isNotEqualTo(firstMessage);
                assertThat(ct).isNotEqualTo(firstCiphertext);
            }
        }
    }

    @Test
    void itsPayloadDoesNotVerifyForAnotherStaticKey() {
        byte[] payload = aliceKey.payload(List.of()).encode();
        assertThat(NoiseIdentity.verify(payload, aliceKey.publicKey(), alice.peerId())
                        .peerId())
                .isEqualTo(alice.peerId());
        assertThatThrownBy(() -> NoiseIdentity.verify(payload, bobKey.publicKey(), null))
                .isInstanceOf(P2pProtocolException.class)
                .hasMessageContaining("does not verify");
    }
}
