package dev.speglar.registry.mirror;

import dev.speglar.registry.ByteRange;
import dev.speglar.registry.DistributionRequest;
import dev.speglar.registry.InvalidRangeException;
import dev.speglar.routing.Lookup;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.time.Duration;

/**
 * Serves one local miss from peers (Spegel §2.6): race for a response, answer 404 quickly when there is none, else
 * relay it, resuming a broken blob body from another peer at the offset the client has reached. Runs on its own
 * virtual thread; all socket work happens on event loops.
 */
final class MirrorRequest implements Runnable {
    /** A blob body that fails this many times at the same offset is given up: the peers cannot serve it. */
    private static final int MAX_RESUMES_WITHOUT_PROGRESS = 3;

    private static final long NO_DEADLINE = Duration.ofDays(365).toNanos();

    private final PeerMirror mirror;
    private final ChannelHandlerContext ctx;
    private final DistributionRequest req;
    private final boolean keepAlive;

    MirrorRequest(PeerMirror mirror, ChannelHandlerContext ctx, DistributionRequest req, boolean keepAlive) {
        this.mirror = mirror;
        this.ctx = ctx;
        this.req = req;
        this.keepAlive = keepAlive;
    }

    @Override
    public void run() {
        boolean hit = false;
        LocalFetch local = LocalFetch.of(mirror, req);
        try {
            if (local != null) {
                local.begin();
            }
            Lookup lookup;
            try {
                lookup = mirror.router.lookup(req.key(), mirror.config.resolveRetries());
            } catch (RuntimeException e) {
                PeerMirror.LOG.warn("lookup of {} failed: {}", req.key(), e.toString());
                if (local != null) {
                    local.decided();
                }
                MirrorResponses.empty(ctx, HttpResponseStatus.INTERNAL_SERVER_ERROR, keepAlive);
                return;
            }
            try (MirrorSession session = new MirrorSession(ctx, lookup, mirror.config, mirror.quarantine)) {
                LocalFetch.lookUpInFlight(mirror, session, req, false);
                hit = serve(session, local);
            }
        } catch (InterruptedException e) {
            ctx.channel().close();
        } catch (RuntimeException e) {
            PeerMirror.LOG.error("mirroring {} failed", req.key(), e);
            ctx.channel().close(); // status may be sent already; closing is the only honest signal left
        } finally {
            if (local != null) {
                local.abandoned(); // only clears a decision that was never made
            }
            String registry = mirror.config.registryLabel(req.registry());
            if (hit) {
                mirror.metrics.hit(registry);
            } else {
                mirror.metrics.miss(registry);
            }
        }
    }

    private boolean serve(MirrorSession session, LocalFetch local) throws InterruptedException {
        boolean bounded = req.head() || req.kind() == DistributionRequest.Kind.MANIFEST;
        long deadline = System.nanoTime() + (bounded ? mirror.config.deadline().toNanos() : NO_DEADLINE);
        String range = req.range().map(ByteRange::toHeader).orElse(null);
        Race.Outcome outcome = new Race(session, mirror, req, new Race.Plan(range, -1, -1)).run(deadline);
        if (local != null && outcome instanceof Race.Outcome.Lost l) {
            outcome = local.settle(session, req, l);
        }
        if (local != null && !(outcome instanceof Race.Outcome.Gone)) {
            local.decided(); // before answering: containerd's next bytes, from a peer or upstream, land in the ingest
            LocalFetch.Decision d = local.decision(outcome);
            mirror.metrics.decision(d);
            PeerMirror.LOG.debug("local fetch of {} decided: {} ({})", req.key(), d, outcome);
        }
        switch (outcome) {
            case Race.Outcome.Lost l -> {
                MirrorResponses.notFound(ctx, req, l.attempts(), l.reason(), keepAlive);
                return false;
            }
            case Race.Outcome.Expired x -> {
                MirrorResponses.empty(ctx, HttpResponseStatus.NOT_FOUND, keepAlive);
                return false;
            }
            case Race.Outcome.Gone g -> {
                return false;
            }
            case Race.Outcome.Won w -> {
                PeerHead head = w.head();
                if (head.status() == 416) {
                    w.ex().cancel();
                    MirrorResponses.unsatisfiable(ctx, head.total(), keepAlive);
                    return false;
                }
                if (req.kind() == DistributionRequest.Kind.MANIFEST) {
                    if (req.head()) {
                        w.ex().attach(Discard.INSTANCE);
                    }
                    MirrorResponses.manifest(ctx, head, w.manifest(), keepAlive);
                    return true;
                }
                if (w.ex().target.inFlight()) {
                    mirror.metrics.inFlightSource();
                }
                return relayBlob(session, w.ex(), head, local);
            }
        }
    }

    private boolean relayBlob(MirrorSession session, PeerExchange ex, PeerHead head, LocalFetch local)
            throws InterruptedException {
        long total = head.total();
        long first = 0;
        long last = total - 1;
        if (req.range().isPresent()) {
            try {
                ByteRange.Resolved r = req.range().get().resolve(total);
                first = r.first();
                last = r.last();
            } catch (InvalidRangeException e) {
                ex.cancel();
                MirrorResponses.unsatisfiable(ctx, total, keepAlive);
                return false;
            }
        }
        boolean whole = first == 0 && last == total - 1;
        if (total == 0) {
            return emptyBlob(ex, head);
        }
        HttpResponse r = new DefaultHttpResponse(
                HttpVersion.HTTP_1_1,
                req.range().isPresent() ? HttpResponseStatus.PARTIAL_CONTENT : HttpResponseStatus.OK);
        var h = r.headers();
        h.set(HttpHeaderNames.CONTENT_TYPE, req.range().isPresent() ? "application/octet-stream" : head.contentType());
        h.set(HttpHeaderNames.CONTENT_LENGTH, last - first + 1);
        h.set("Docker-Content-Digest", head.digest().toString());
        h.set(HttpHeaderNames.ACCEPT_RANGES, "bytes");
        if (req.range().isPresent()) {
            h.set(HttpHeaderNames.CONTENT_RANGE, "bytes " + first + "-" + last + "/" + total);
        }
        HttpUtil.setKeepAlive(r, keepAlive);
        if (req.head()) {
            ex.attach(Discard.INSTANCE);
            var full = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, r.status(), Unpooled.EMPTY_BUFFER);
            full.headers().set(h);
            var f = ctx.writeAndFlush(full);
            if (!keepAlive) {
                f.addListener(io.netty.channel.ChannelFutureListener.CLOSE);
            }
            return true;
        }
        ctx.write(r);
        BlobRelay relay = new BlobRelay(ctx, ex.loop(), req.digest(), first, last, whole, keepAlive, session::post);
        try {
            return relay(session, relay, ex, head, last, total, local);
        } finally {
            relay.close();
        }
    }

    private boolean relay(
            MirrorSession session,
            BlobRelay relay,
            PeerExchange ex,
            PeerHead head,
            long last,
            long total,
            LocalFetch local)
            throws InterruptedException {
        long lastBreak = -1;
        int stuck = 0;
        while (true) {
            relay.follow(ex, head);
            MirrorEvent e = awaitStream(session);
            switch (e) {
                case MirrorEvent.StreamEnded s -> {
                    return true;
                }
                case MirrorEvent.IntegrityFailed i -> {
                    for (PeerTarget t : relay.contributors()) {
                        mirror.integrityFailure("blob", t, i.detail());
                    }
                    return false;
                }
                case MirrorEvent.StreamBroken b -> {
                    ex.cancel();
                    if (local != null) {
                        local.redeciding(); // peers asking meanwhile get a 503 rather than a stream that cannot grow
                    }
                    session.pool.penalize(ex.target);
                    stuck = b.position() == lastBreak ? stuck + 1 : 0;
                    lastBreak = b.position();
                    if (stuck >= MAX_RESUMES_WITHOUT_PROGRESS) {
                        giveUp(ex.target, b, "no progress after " + stuck + " resumes");
                        return false;
                    }
                    // Whoever holds the blob now may not be in the pool (it started providing after the lookup, or only
                    // its in-flight record existed): ask the network again, past the lookup cache. If nobody can resume
                    // it, containerd retries with Range, and that request settles who goes upstream.
                    session.add(
                            mirror.router.lookup(req.key(), mirror.config.resolveRetries(), true), false, p -> true);
                    LocalFetch.lookUpInFlight(mirror, session, req, true);
                    var plan = new Race.Plan(
                            "bytes=" + b.position() + "-" + last,
                            b.position(),
                            total,
                            mirror.config.deadline().toNanos());
                    Race.Outcome o = new Race(session, mirror, req.withRange(ByteRange.from(b.position())), plan)
                            .run(System.nanoTime() + NO_DEADLINE);
                    if (!(o instanceof Race.Outcome.Won w)) {
                        giveUp(ex.target, b, o.toString());
                        return false;
                    }
                    if (local != null) {
                        local.decided();
                    }
                    mirror.metrics.failover(true);
                    PeerMirror.LOG.info(
                            "body of {} from {} broke at {} ({}); resuming from {}",
                            req.key(),
                            ex.target,
                            b.position(),
                            b.cause().toString(),
                            w.ex().target);
                    ex = w.ex();
                    head = w.head();
                }
                default -> {
                    PeerMirror.LOG.debug("relay of {} ended: client gone", req.key());
                    ex.cancel();
                    return false; // client gone
                }
            }
        }
    }

    private void giveUp(PeerTarget from, MirrorEvent.StreamBroken b, String why) {
        mirror.metrics.failover(false);
        PeerMirror.LOG.warn(
                "body of {} from {} broke at {} ({}); no peer can resume it: {}",
                req.key(),
                from,
                b.position(),
                b.cause().toString(),
                why);
        ctx.channel().close(); // the client resumes with Range, from this mirror or its next host
    }

    private boolean emptyBlob(PeerExchange ex, PeerHead head) {
        ex.attach(Discard.INSTANCE);
        if (!ManifestCollector.hash(req.digest().algorithm(), new byte[0]).equals(req.digest())) {
            mirror.integrityFailure("blob", ex.target, "empty body for " + req.digest());
            MirrorResponses.notFound(ctx, req, 1, "peer sent wrong content for " + req.key(), keepAlive);
            return false;
        }
        var r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.EMPTY_BUFFER);
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, head.contentType());
        r.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
        r.headers().set("Docker-Content-Digest", head.digest().toString());
        r.headers().set(HttpHeaderNames.ACCEPT_RANGES, "bytes");
        HttpUtil.setKeepAlive(r, keepAlive);
        var f = ctx.writeAndFlush(r);
        if (!keepAlive) {
            f.addListener(io.netty.channel.ChannelFutureListener.CLOSE);
        }
        return true;
    }

    /** Waits for the relay's next verdict; stale events of cancelled exchanges are dropped. */
    private static MirrorEvent awaitStream(MirrorSession session) throws InterruptedException {
        while (true) {
            MirrorEvent e = session.poll(Long.MAX_VALUE);
            if (e instanceof MirrorEvent.StreamEnded
                    || e instanceof MirrorEvent.StreamBroken
                    || e instanceof MirrorEvent.IntegrityFailed
                    || e instanceof MirrorEvent.ClientGone) {
                return e;
            }
            if (e instanceof MirrorEvent.Head h) {
                h.ex().cancel();
            }
        }
    }

    /** Reads and drops a body so its connection can be reused. */
    enum Discard implements BodySink {
        INSTANCE;

        @Override
        public void onData(io.netty.buffer.ByteBuf data) {
            data.release();
        }

        @Override
        public void onBatchEnd(Runnable resume) {
            resume.run();
        }

        @Override
        public void onEnd() {}

        @Override
        public void onError(Throwable cause) {}
    }
}
