package dev.speglar.store.manifest;

import dev.speglar.common.json.InvalidJsonException;
import dev.speglar.common.json.Json;
import dev.speglar.oci.MediaTypes;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Guesses the media type of content stored without one, the way upstream Spegel does for containerd content that no
 * image references: not JSON → octet-stream; {@code {}} → the OCI empty type; a declared {@code mediaType} with
 * {@code schemaVersion} 2; else the shape (index, manifest or config keys). Anything else is undetermined, and such
 * content is not served, because serving it under a wrong type would break the client's pull.
 */
public final class MediaTypeSniffer {
    /** Content larger than this is not read and assumed to be a layer (upstream uses the same bound). */
    public static final long MAX_SNIFF_BYTES = 4 * 1024 * 1024;

    /** The media type for {@code bytes}, or empty if it cannot be determined. */
    public static Optional<String> sniff(byte[] bytes) {
        int i = 0;
        while (i < bytes.length && isWs(bytes[i])) {
            i++;
        }
        if (i == bytes.length) {
            return Optional.empty();
        }
        if (bytes[i] != '{') {
            return startsValidToken(bytes, i) ? Optional.empty() : Optional.of(MediaTypes.OCTET_STREAM);
        }
        if (bytes.length == 2 && bytes[1] == '}') {
            return Optional.of(MediaTypes.OCI_EMPTY);
        }
        Map<String, Object> m;
        try {
            m = Json.parseObject(bytes);
        } catch (InvalidJsonException e) {
            return Optional.empty();
        }
        if (Long.valueOf(2).equals(m.get("schemaVersion"))
                && m.get("mediaType") instanceof String mt
                && !mt.isEmpty()) {
            return Optional.of(mt);
        }
        if (descriptorList(m.get("manifests"))) {
            return Optional.of(MediaTypes.OCI_INDEX);
        }
        if (m.get("config") instanceof Map<?, ?> && descriptorList(m.get("layers"))) {
            return Optional.of(MediaTypes.OCI_MANIFEST);
        }
        if (m.get("architecture") instanceof String && m.get("os") instanceof String && m.containsKey("rootfs")) {
            return Optional.of(MediaTypes.OCI_CONFIG);
        }
        return Optional.empty();
    }

    private static boolean descriptorList(Object o) {
        return o instanceof List<?> l && l.stream().allMatch(e -> e instanceof Map<?, ?>);
    }

    /** True if a JSON tokenizer would accept the token starting at {@code i} (so the content is JSON, just not ours). */
    private static boolean startsValidToken(byte[] b, int i) {
        byte c = b[i];
        if (c == '[' || c == '"' || c == '-' || (c >= '0' && c <= '9')) {
            return true;
        }
        return startsWith(b, i, "true") || startsWith(b, i, "false") || startsWith(b, i, "null");
    }

    private static boolean startsWith(byte[] b, int i, String word) {
        if (b.length - i < word.length()) {
            return false;
        }
        for (int k = 0; k < word.length(); k++) {
            if (b[i + k] != word.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isWs(byte c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }

    private MediaTypeSniffer() {}
}
