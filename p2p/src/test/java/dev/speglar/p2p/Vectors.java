package dev.speglar.p2p;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/** Loads the libp2p test vectors ({@code /vectors/vectors.json} on the test classpath; see vectors/SOURCE.md). */
public final class Vectors {
    private static Map<String, Object> root;

    private Vectors() {}

    public static synchronized Map<String, Object> root() {
        if (root == null) {
            try (InputStream in = Vectors.class.getResourceAsStream("/vectors/vectors.json")) {
                if (in == null) {
                    throw new IllegalStateException("vectors/vectors.json missing from the test classpath");
                }
                root = new ObjectMapper().readValue(in, new TypeReference<Map<String, Object>>() {});
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return root;
    }

    @SuppressWarnings("unchecked")
    public static <T> T cast(Object o) {
        return (T) o;
    }

    public static Map<String, Object> map(Object o) {
        return cast(o);
    }

    public static List<Map<String, Object>> list(String key) {
        return cast(root().get(key));
    }

    public static byte[] hex(Object s) {
        return HexFormat.of().parseHex((String) s);
    }
}
