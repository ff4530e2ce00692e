package dev.speglar.registry.mirror;

import dev.speglar.oci.Digest;
import dev.speglar.oci.InvalidReferenceException;
import dev.speglar.oci.MediaTypes;
import dev.speglar.registry.DistributionRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;

/**
 * What a peer's response headers say about the content: where the body starts within the whole content, how long it
 * is, the whole size, type and digest. Parsing is strict because these numbers drive the resume logic.
 *
 * @param status 200, 206, or 416 (range not satisfiable, {@code total} from {@code bytes *}/N or -1)
 * @param start absolute offset of the first body byte
 * @param length body length (what a GET would carry)
 * @param total size of the whole content
 */
record PeerHead(int status, String contentType, long start, long length, long total, Digest digest) {

    static PeerHead parse(HttpResponse r, DistributionRequest req) throws PeerResponseException {
        HttpHeaders h = r.headers();
        int status = r.status().code();
        if (status == 416) {
            return new PeerHead(416, null, 0, 0, unsatisfiedTotal(h.get(HttpHeaderNames.CONTENT_RANGE)), null);
        }
        if (status != 200 && status != 206) {
            throw new PeerResponseException("peer answered " + status);
        }
        boolean manifest = req.kind() == DistributionRequest.Kind.MANIFEST;
        String type = h.get(HttpHeaderNames.CONTENT_TYPE);
        if (manifest && !MediaTypes.isManifest(type)) {
            throw new PeerResponseException("peer sent " + type + " for a manifest");
        }
        if (!manifest) {
            type = type == null ? MediaTypes.OCTET_STREAM : type;
            if (MediaTypes.isManifest(type)) {
                throw new PeerResponseException("peer sent a manifest for a blob");
            }
        }
        long contentLength = number(h.get(HttpHeaderNames.CONTENT_LENGTH), "Content-Length");
        long start = 0;
        long length = contentLength;
        long total = contentLength;
        if (status == 206) {
            long[] cr = contentRange(h.get(HttpHeaderNames.CONTENT_RANGE));
            start = cr[0];
            length = cr[1] - cr[0] + 1;
            total = cr[2];
            if (contentLength >= 0 && contentLength != length) {
                throw new PeerResponseException("Content-Length disagrees with Content-Range");
            }
        } else if (contentLength < 0) {
            throw new PeerResponseException("peer sent no Content-Length");
        }
        Digest digest = digest(h.get("Docker-Content-Digest"), req);
        return new PeerHead(status, type, start, length, total, digest);
    }

    private static Digest digest(String header, DistributionRequest req) throws PeerResponseException {
        Digest d;
        try {
            d = header == null ? req.digest() : Digest.parse(header.trim());
        } catch (InvalidReferenceException e) {
            throw new PeerResponseException("peer sent an invalid Docker-Content-Digest");
        }
        if (d == null) {
            throw new PeerResponseException("peer sent no Docker-Content-Digest for a tag");
        }
        if (req.digest() != null && !req.digest().equals(d)) {
            throw new PeerResponseException("peer sent digest " + d + " for " + req.digest());
        }
        return d;
    }

    /** {@code bytes a-b/N} → {a, b, N}, validated. */
    static long[] contentRange(String v) throws PeerResponseException {
        if (v == null || !v.startsWith("bytes ")) {
            throw new PeerResponseException("bad Content-Range " + v);
        }
        int dash = v.indexOf('-');
        int slash = v.indexOf('/');
        if (dash < 0 || slash < dash) {
            throw new PeerResponseException("bad Content-Range " + v);
        }
        long a = number(v.substring(6, dash), "Content-Range");
        long b = number(v.substring(dash + 1, slash), "Content-Range");
        long n = number(v.substring(slash + 1), "Content-Range");
        if (a < 0 || b < a || n <= b) {
            throw new PeerResponseException("bad Content-Range " + v);
        }
        return new long[] {a, b, n};
    }

    private static long unsatisfiedTotal(String v) {
        if (v != null && v.startsWith("bytes */")) {
            try {
                return number(v.substring(8), "Content-Range");
            } catch (PeerResponseException e) {
                return -1;
            }
        }
        return -1;
    }

    /** Non-negative decimal, or -1 when absent. */
    private static long number(String s, String what) throws PeerResponseException {
        if (s == null) {
            return -1;
        }
        String t = s.trim();
        if (t.isEmpty() || t.length() > 18 || !t.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new PeerResponseException("bad " + what + " " + s);
        }
        return Long.parseLong(t);
    }
}
