package dev.speglar.p2p.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.speglar.p2p.multiformats.Cid;
import dev.speglar.p2p.multiformats.Multiaddr;
import dev.speglar.p2p.multiformats.PeerId;
import dev.speglar.p2p.noise.NoisePayload;
import dev.speglar.p2p.proto.ProtoReader;

/**
 * Coverage-guided entry points for Jazzer. In the normal test run they replay their seeds (regression mode); run
 * {@code JAZZER_FUZZ=1 ./mvnw -pl p2p test -Dtest=JazzerTargetsTest} to fuzz for real. Each target asserts the
 * same contract as the property tests via {@link Decoding}.
 */
class JazzerTargetsTest {
    @FuzzTest(maxDuration = "30s")
    void multiaddr(byte[] in) {
        Decoding.decodesOrRejects(in, () -> Multiaddr.decode(in));
    }

    @FuzzTest(maxDuration = "30s")
    void identifiers(FuzzedDataProvider data) {
        String text = data.consumeString(300);
        byte[] in = data.consumeRemainingAsBytes();
        Decoding.decodesOrRejects(text, () -> PeerId.parse(text));
        Decoding.decodesOrRejects(text, () -> Cid.parse(text));
        Decoding.decodesOrRejects(in, () -> PeerId.fromBytes(in));
        Decoding.decodesOrRejects(in, () -> Cid.decode(in));
    }

    @FuzzTest(maxDuration = "30s")
    void protobufAndNoisePayload(byte[] in) {
        Decoding.decodesOrRejects(in, () -> NoisePayload.decode(in));
        Decoding.decodesOrRejects(in, () -> {
            ProtoReader r = new ProtoReader(in);
            while (r.next()) {
                r.skip();
            }
        });
    }
}
