package dev.speglar.store.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.speglar.common.json.InvalidJsonException;
import dev.speglar.common.json.Json;
import dev.speglar.oci.MediaTypes;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;

/** Content comes from peers' images and from disk: parsers must fail with their typed error, never otherwise. */
class HostileInputProperties {

    @Property(tries = 500)
    void jsonFailsOnlyWithItsOwnException(@ForAll @Size(max = 200) String s) {
        try {
            Json.parse(s);
        } catch (InvalidJsonException expected) {
            assertThat(expected.getMessage()).contains("offset");
        }
    }

    @Property(tries = 500)
    void manifestChildrenFailOnlyWithInvalidJson(@ForAll @Size(max = 200) byte[] bytes) {
        try {
            ManifestChildren.of(MediaTypes.OCI_MANIFEST, bytes);
        } catch (InvalidJsonException expected) {
            assertThat(expected).hasMessageNotContaining("Exception");
        }
    }

    @Property(tries = 500)
    void snifferAlwaysAnswers(@ForAll @Size(max = 200) byte[] bytes) {
        // Never throws; whatever it says is one of the types it knows or a declared mediaType.
        MediaTypeSniffer.sniff(bytes);
        byte[] withBrace = new byte[bytes.length + 1];
        withBrace[0] = '{';
        System.arraycopy(bytes, 0, withBrace, 1, bytes.length);
        MediaTypeSniffer.sniff(withBrace);
    }
}
