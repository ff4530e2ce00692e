package dev.speglar.agent.cleanup;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Upstream's post-delete wait: every {@code period} (the first round at once) resolve the probe host to all of its
 * addresses (the cleanup pods behind a headless service) and GET {@code /readyz} on each; when {@code threshold}
 * rounds in a row found every address answering 200, every node has restored its configuration. A failed lookup or
 * probe resets the count.
 */
public final class CleanupWait {
    private static final Logger log = LoggerFactory.getLogger(CleanupWait.class);
    static final int MAX_PARALLEL = 10;
    static final Duration PROBE_TIMEOUT = Duration.ofSeconds(1);

    /** Resolves the probe host; {@link InetAddress#getAllByName} in production. */
    @FunctionalInterface
    public interface Resolver {
        InetAddress[] resolve(String host) throws IOException;
    }

    private final String host;
    private final int port;
    private final Duration period;
    private final int threshold;
    private final Resolver resolver;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(PROBE_TIMEOUT).build();

    public CleanupWait(String probeEndpoint, Duration period, int threshold, Resolver resolver) {
        InetSocketAddress hp = splitHostPort(probeEndpoint);
        this.host = hp.getHostString();
        this.port = hp.getPort();
        this.period = Objects.requireNonNull(period, "period");
        if (period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("--period must be positive");
        }
        if (threshold < 1) {
            throw new IllegalArgumentException("--threshold must be at least 1");
        }
        this.threshold = threshold;
        this.resolver = Objects.requireNonNull(resolver, "resolver");
    }

    /** Go's {@code net.SplitHostPort}: {@code host:port} or {@code [v6]:port}; the host is not resolved here. */
    static InetSocketAddress splitHostPort(String endpoint) {
        int colon = endpoint.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("address " + endpoint + ": missing port in address");
        }
        String h = endpoint.substring(0, colon);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        } else if (h.contains(":")) {
            throw new IllegalArgumentException("address " + endpoint + ": too many colons in address");
        }
        int p;
        try {
            p = Integer.parseInt(endpoint.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("address " + endpoint + ": invalid port");
        }
        if (p < 1 || p > 65535) {
            throw new IllegalArgumentException("address " + endpoint + ": invalid port");
        }
        return InetSocketAddress.createUnresolved(h, p);
    }

    /** Blocks until the threshold is reached; an interrupt (termination) ends it with {@link InterruptedException}. */
    public void run() throws InterruptedException {
        int successes = 0;
        long next = System.nanoTime();
        while (true) {
            long start = System.nanoTime();
            if (round()) {
                successes++;
                log.atInfo()
                        .addKeyValue("threshold", successes)
                        .addKeyValue(
                                "duration",
                                Duration.ofNanos(System.nanoTime() - start).toString())
                        .log("probe ran successfully");
                if (successes >= threshold) {
                    log.info("probe threshold reached");
                    return;
                }
            } else {
                successes = 0;
            }
            next += period.toNanos();
            long wait = next - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(Duration.ofNanos(wait)); // the poll period itself, not synchronisation
            } else {
                next = System.nanoTime(); // a round longer than the period: like a Go ticker, do not try to catch up
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
            }
        }
    }

    /** One round: true when every address of the probe host answered 200. */
    boolean round() throws InterruptedException {
        log.atInfo().addKeyValue("host", host).log("running probe lookup");
        InetAddress[] ips;
        try {
            ips = resolver.resolve(host);
        } catch (IOException e) {
            log.atError().addKeyValue("err", e.toString()).log("cleanup probe lookup failed");
            return false;
        }
        log.atInfo().addKeyValue("endpoints", ips.length).log("running probe request");
        Semaphore slots = new Semaphore(MAX_PARALLEL);
        try (ExecutorService exec = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<String>> probes = new ArrayList<>();
            for (InetAddress ip : ips) {
                probes.add(exec.submit(() -> {
                    slots.acquire();
                    try {
                        return probe(ip);
                    } finally {
                        slots.release();
                    }
                }));
            }
            for (Future<String> f : probes) {
                String error;
                try {
                    error = f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    error = String.valueOf(e.getCause());
                }
                if (error != null) {
                    log.atError().addKeyValue("err", error).log("cleanup probe request failed");
                    probes.forEach(p -> p.cancel(true));
                    return false;
                }
            }
        }
        return true;
    }

    /** Null when {@code ip} answered 200, else what went wrong. */
    private String probe(InetAddress ip) throws InterruptedException {
        String hostPart = ip instanceof java.net.Inet6Address ? "[" + ip.getHostAddress() + "]" : ip.getHostAddress();
        URI uri = URI.create("http://" + hostPart + ":" + port + "/readyz");
        try {
            HttpResponse<Void> r = http.send(
                    HttpRequest.newBuilder(uri).timeout(PROBE_TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.discarding());
            return r.statusCode() == 200 ? null : "GET " + uri + ": unexpected status code " + r.statusCode();
        } catch (IOException e) {
            return "GET " + uri + ": " + e;
        }
    }
}
