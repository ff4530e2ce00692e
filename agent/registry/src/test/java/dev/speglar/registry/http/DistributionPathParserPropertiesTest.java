package dev.speglar.registry.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.speglar.registry.DistributionRequest;
import dev.speglar.registry.RegistryException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Arbitrary input never escapes as anything but a typed 4xx refusal, and accepted paths round-trip. */
class DistributionPathParserPropertiesTest {
    private final DistributionPathParser parser = new DistributionPathParser("docker.io");

    @Provide
    Arbitrary<String> paths() {
        Arbitrary<String> segment = Arbitraries.oneOf(
                Arbitraries.of(
                        "manifests",
                        "blobs",
                        "..",
                        ".",
                        "",
                        "%2e%2e",
                        "a",
                        "library",
                        "sha256:" + "a".repeat(64),
                        "latest",
                        "sha512:x",
                        "A_B",
                        "x--y",
                        "__"),
                Arbitraries.strings().ofMaxLength(20));
        return segment.list().ofMaxSize(8).map(l -> "/v2/" + String.join("/", l));
    }

    @Provide
    Arbitrary<String> ranges() {
        return Arbitraries.oneOf(
                Arbitraries.just(null),
                Arbitraries.of("bytes=0-", "bytes=-1", "bytes=5-2", "bytes=,"),
                Arbitraries.strings().ofMaxLength(30).map(s -> "bytes=" + s));
    }

    @Property(tries = 600)
    void onlyTypedClientErrors(@ForAll("paths") String path, @ForAll("ranges") String range, @ForAll boolean head) {
        try {
            DistributionRequest r = parser.parse(head, path, null, range, false);
            DistributionRequest again = parser.parse(
                    head, "/v2/" + r.repository() + "/" + r.kind().path() + "/" + r.reference(), null, range, false);
            assertThat(again).isEqualTo(r);
        } catch (RegistryException e) {
            assertThat(e.status().code()).isBetween(400, 499);
        }
    }

    @Property(tries = 200)
    void anyNamespaceIsAcceptedOrRefusedWith400(@ForAll String ns) {
        try {
            assertThat(parser.parse(false, "/v2/a/manifests/1", ns, null, false).registry())
                    .isNotNull();
        } catch (RegistryException e) {
            assertThat(e.status().code()).isEqualTo(400);
        }
    }
}
