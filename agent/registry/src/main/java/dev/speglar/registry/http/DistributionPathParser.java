package dev.speglar.registry.http;

import dev.speglar.oci.Digest;
import dev.speglar.oci.InvalidReferenceException;
import dev.speglar.oci.Names;
import dev.speglar.registry.ByteRange;
import dev.speglar.registry.DistributionRequest;
import dev.speglar.registry.DistributionRequest.Kind;
import dev.speglar.registry.InvalidRangeException;
import dev.speglar.registry.OciErrors;
import dev.speglar.registry.RegistryException;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Optional;

/**
 * Parses {@code /v2/<name>/(manifests|blobs)/<reference>} into a {@link DistributionRequest}. The path arrives
 * percent-decoded exactly once ({@link PercentDecoding}, as upstream's Go server does), so {@code library%2Fnginx} is
 * {@code library/nginx}; whatever decoding yields must pass the name, tag and digest grammar, so encoded traversal
 * tricks ({@code %2e%2e}, double encoding) fail it. Nothing here touches the file system.
 */
public final class DistributionPathParser {
    private static final String MANIFESTS = "/manifests/";
    private static final String BLOBS = "/blobs/";
    private static final int MAX_NS_LENGTH = 255;

    private final String defaultRegistry;

    /** @param defaultRegistry registry for tag requests without {@code ns}; empty makes {@code ns} mandatory for tags */
    public DistributionPathParser(String defaultRegistry) {
        this.defaultRegistry = defaultRegistry == null ? "" : defaultRegistry;
        if (!this.defaultRegistry.isEmpty() && !isRegistryHost(this.defaultRegistry)) {
            throw new IllegalArgumentException("invalid default registry " + defaultRegistry);
        }
    }

    /**
     * @param path percent-decoded path starting with {@code /v2/}, without query
     * @param ns decoded {@code ns} query value or null
     * @param rangeHeader the {@code Range} header or null; honoured for blobs only (a server may ignore Range)
     * @throws RegistryException with the status and OCI code to answer
     */
    public DistributionRequest parse(boolean head, String path, String ns, String rangeHeader, boolean mirrored) {
        if (!path.startsWith("/v2/")) {
            throw unsupported();
        }
        String rest = path.substring(4);
        int m = rest.lastIndexOf(MANIFESTS);
        int b = rest.lastIndexOf(BLOBS);
        Kind kind = m > b ? Kind.MANIFEST : Kind.BLOB;
        int at = Math.max(m, b);
        if (at <= 0) {
            throw unsupported();
        }
        String name = rest.substring(0, at);
        String reference = rest.substring(at + (kind == Kind.MANIFEST ? MANIFESTS : BLOBS).length());
        if (reference.isEmpty() || reference.indexOf('/') >= 0) {
            // e.g. /blobs/uploads/<id>: an endpoint of the write API, not a malformed reference
            throw unsupported();
        }
        if (name.length() > Names.MAX_REPOSITORY_LENGTH) {
            throw new RegistryException(
                    HttpResponseStatus.BAD_REQUEST,
                    OciErrors.NAME_INVALID,
                    "repository name longer than " + Names.MAX_REPOSITORY_LENGTH + " characters");
        }
        if (!Names.isRepository(name)) {
            throw new RegistryException(
                    HttpResponseStatus.BAD_REQUEST, OciErrors.NAME_INVALID, "invalid repository name");
        }
        String tag = null;
        Digest digest = null;
        if (kind == Kind.MANIFEST && reference.indexOf(':') < 0) {
            if (!Names.isTag(reference)) {
                throw new RegistryException(HttpResponseStatus.BAD_REQUEST, OciErrors.MANIFEST_INVALID, "invalid tag");
            }
            tag = reference;
        } else {
            try {
                digest = Digest.parse(reference);
            } catch (InvalidReferenceException e) {
                throw new RegistryException(HttpResponseStatus.BAD_REQUEST, OciErrors.DIGEST_INVALID, e.getMessage());
            }
        }
        String registry = registry(ns, tag != null);
        Optional<ByteRange> range = Optional.empty();
        if (kind == Kind.BLOB && rangeHeader != null) {
            try {
                range = ByteRange.parse(rangeHeader);
            } catch (InvalidRangeException e) {
                throw new RegistryException(HttpResponseStatus.BAD_REQUEST, OciErrors.RANGE_INVALID, e.getMessage());
            }
        }
        return new DistributionRequest(head, kind, name, registry, tag, digest, range, mirrored);
    }

    private String registry(String ns, boolean tagRequest) {
        if (ns != null && !ns.isEmpty()) {
            if (ns.length() > MAX_NS_LENGTH || !isRegistryHost(ns)) {
                throw new RegistryException(
                        HttpResponseStatus.BAD_REQUEST, OciErrors.NAME_INVALID, "invalid ns parameter");
            }
            return ns;
        }
        if (!tagRequest) {
            return "";
        }
        if (defaultRegistry.isEmpty()) {
            throw new RegistryException(
                    HttpResponseStatus.NOT_FOUND,
                    OciErrors.MANIFEST_UNKNOWN,
                    "registry parameter needs to be set for tag references");
        }
        return defaultRegistry;
    }

    /** Host, optional port, bracketed IPv6: letters, digits and {@code .-_:[]}. */
    static boolean isRegistryHost(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '.'
                    || c == '-'
                    || c == '_'
                    || c == ':'
                    || c == '['
                    || c == ']';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static RegistryException unsupported() {
        return new RegistryException(
                HttpResponseStatus.NOT_FOUND, OciErrors.UNSUPPORTED, "endpoint not supported by this read-only mirror");
    }
}
