package dev.speglar.registry.mirror;

import dev.speglar.oci.Digest;
import dev.speglar.oci.hashing.Digests;
import io.netty.buffer.ByteBuf;
import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.Consumer;

/**
 * Reads a manifest whole (its size was checked against the limit) and verifies it against its digest before a single
 * byte reaches the client: a wrong manifest would break the pull with no fallback (containerd does not retry on
 * wrong bytes), whereas a 404 sends containerd upstream.
 */
final class ManifestCollector implements BodySink {
    private final PeerExchange ex;
    private final PeerHead head;
    private final Consumer<MirrorEvent> post;
    private final ByteArrayOutputStream body;
    private boolean done;

    ManifestCollector(PeerExchange ex, PeerHead head, Consumer<MirrorEvent> post) {
        this.ex = ex;
        this.head = head;
        this.post = post;
        this.body = new ByteArrayOutputStream((int) head.length());
    }

    @Override
    public void onData(ByteBuf data) {
        try {
            if (done) {
                return;
            }
            if (body.size() + data.readableBytes() > head.length()) {
                fail("peer sent more than Content-Length", false);
                ex.cancel();
                return;
            }
            data.readBytes(body, data.readableBytes());
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e); // ByteArrayOutputStream does not throw
        } finally {
            data.release();
        }
    }

    @Override
    public void onBatchEnd(Runnable resume) {
        resume.run();
    }

    @Override
    public void onEnd() {
        if (done) {
            return;
        }
        byte[] bytes = body.toByteArray();
        if (bytes.length != head.length()) {
            fail("manifest body ended after " + bytes.length + " of " + head.length() + " bytes", false);
            return;
        }
        Digest actual = hash(head.digest().algorithm(), bytes);
        if (!actual.equals(head.digest())) {
            fail("manifest from peer hashes to " + actual + ", not " + head.digest(), true);
            return;
        }
        done = true;
        post.accept(new MirrorEvent.ManifestRead(ex, bytes, null, false));
    }

    @Override
    public void onError(Throwable cause) {
        fail(cause.toString(), false);
    }

    private void fail(String why, boolean integrity) {
        if (!done) {
            done = true;
            post.accept(new MirrorEvent.ManifestRead(ex, null, why, integrity));
        }
    }

    static Digest hash(String algorithm, byte[] bytes) {
        try {
            MessageDigest md = Digests.newDigest("SHA-" + algorithm.substring(3));
            return new Digest(algorithm, HexFormat.of().formatHex(md.digest(bytes)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
