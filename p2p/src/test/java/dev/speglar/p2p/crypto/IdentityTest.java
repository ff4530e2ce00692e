package dev.speglar.p2p.crypto;

import static dev.speglar.p2p.Vectors.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.speglar.p2p.P2pProtocolException;
import dev.speglar.p2p.Vectors;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdentityTest {
    @Test
    void seedsGiveTheVectorKeysIdsAndSignatures() {
        for (Map<String, Object> v : Vectors.list("identities")) {
            Ed25519Identity id = Ed25519Identity.fromSeed(hex(v.get("ed25519Seed")));
            assertThat(id.publicKeyRaw()).isEqualTo(hex(v.get("ed25519PublicKeyRaw")));
            assertThat(id.pkcs8()).isEqualTo(hex(v.get("pkcs8Der")));
            assertThat(id.publicKeyProtobuf()).isEqualTo(hex(v.get("publicKeyProtobuf")));
            assertThat(id.peerId().toBase58()).isEqualTo(v.get("peerIdBase58"));
            byte[] msg = "hello libp2p".getBytes(StandardCharsets.UTF_8);
            byte[] sig = id.sign(msg);
            assertThat(sig).isEqualTo(hex(v.get("ed25519SignatureOf_hello_libp2p")));
            assertThat(Ed25519Identity.verify(id.publicKeyRaw(), msg, sig)).isTrue();
            sig[0] ^= 1;
            assertThat(Ed25519Identity.verify(id.publicKeyRaw(), msg, sig)).isFalse();
        }
    }

    @Test
    void keyFileIsPemPkcs8With0600AndReusedAcrossRestarts(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        Ed25519Identity first = KeyFile.loadOrCreate(data);
        Path file = data.resolve("private.key");
        String pem = Files.readString(file);
        assertThat(pem).startsWith("-----BEGIN PRIVATE KEY-----\n").endsWith("-----END PRIVATE KEY-----\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        assertThat(KeyFile.loadOrCreate(data).peerId()).isEqualTo(first.peerId());
    }

    @Test
    void readsUpstreamPemOfVectorA() {
        String pem =
                "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIAABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f\n-----END PRIVATE KEY-----\n";
        assertThat(KeyFile.parse(pem).peerId().toBase58())
                .isEqualTo("12D3KooWA4Xop1JaT3MHxwYMkCepYsv4iPVopMXwCz5iHYdBfeSB");
        assertThatThrownBy(() -> KeyFile.parse("junk")).isInstanceOf(P2pProtocolException.class);
    }

    @Test
    void x25519PublicKeysMatchNoiseVector() {
        Map<String, Object> n = Vectors.map(Vectors.root().get("noise"));
        Map<String, Object> i = Vectors.map(n.get("initiator"));
        assertThat(X25519.publicKey(hex(i.get("staticPriv")))).isEqualTo(hex(i.get("staticPub")));
        assertThat(X25519.publicKey(hex(i.get("ephPriv")))).isEqualTo(hex(i.get("ephPub")));
    }
}
