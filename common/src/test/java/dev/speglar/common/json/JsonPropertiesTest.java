package dev.speglar.common.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** Fuzzes the shared codec: any input parses or fails with {@link InvalidJsonException}, and quoting round-trips. */
class JsonPropertiesTest {

    @Property(tries = 2000)
    void quotedStringsRoundTrip(@ForAll String s) throws Exception {
        StringBuilder sb = new StringBuilder();
        Json.quote(sb, s);
        assertThat(Json.parse(sb.toString())).isEqualTo(s);
    }

    @Property(tries = 3000)
    void arbitraryTextParsesOrIsRejectedCleanly(@ForAll("jsonish") String text) {
        try {
            Json.parse(text);
        } catch (InvalidJsonException expected) {
            // the only allowed failure
        }
    }

    @Property(tries = 2000)
    void arbitraryBytesParseOrAreRejectedCleanly(@ForAll @Size(max = 256) byte[] bytes) {
        try {
            Json.parse(bytes);
        } catch (InvalidJsonException expected) {
            // the only allowed failure
        }
    }

    @Provide
    Arbitrary<String> jsonish() {
        return Arbitraries.strings()
                .withChars("{}[]\":,.-+eE0123456789 \\/ubntrfalsenul\u00e9\u0000")
                .ofMaxLength(80);
    }

    @Test
    @SuppressWarnings("unchecked")
    void documentsDecodeToMapsListsAndTypedScalars() throws Exception {
        Object v = Json.parse("{\"a\":[1,-2.5e3,true,null,\"x\\u00e9\"],\"b\":{}}");
        assertThat(v).isInstanceOf(Map.class);
        List<Object> a = (List<Object>) ((Map<?, ?>) v).get("a");
        assertThat(a).containsExactly(1L, -2500.0, Boolean.TRUE, Json.NULL, "x\u00e9");
    }

    @Test
    void deepNestingAndTrailingDataAreRejected() {
        assertThatThrownBy(() -> Json.parse("[".repeat(10_000) + "]".repeat(10_000)))
                .isInstanceOf(InvalidJsonException.class);
        assertThatThrownBy(() -> Json.parse("{} x")).isInstanceOf(InvalidJsonException.class);
    }
}
