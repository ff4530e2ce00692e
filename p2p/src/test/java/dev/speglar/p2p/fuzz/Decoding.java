package dev.speglar.p2p.fuzz;

import static org.assertj.core.api.Assertions.fail;

import dev.speglar.p2p.P2pProtocolException;
import java.lang.management.ManagementFactory;
import java.util.HexFormat;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The contract every decoder of peer-supplied bytes must keep: it returns a value or throws
 * {@link P2pProtocolException}; it never throws anything else, never hangs and never allocates more than a small
 * multiple of its input.
 */
public final class Decoding {
    /** Any decode of garbage must finish well inside this. */
    private static final long TIMEOUT_MS = 5_000;

    private static final long BASE_ALLOCATION = 1 << 20;
    private static final long PER_INPUT_BYTE = 64;

    private static ExecutorService worker = newWorker();

    private Decoding() {}

    @FunctionalInterface
    public interface Decoder {
        void decode() throws Exception;
    }

    /** Runs {@code decoder} over {@code input} and fails unless it keeps the contract; true if it decoded. */
    public static boolean decodesOrRejects(byte[] input, Decoder decoder) {
        return decodesOrRejects(input.length, HexFormat.of().formatHex(input, 0, Math.min(input.length, 256)), decoder);
    }

    public static boolean decodesOrRejects(String input, Decoder decoder) {
        return decodesOrRejects(input, P2pProtocolException.class, decoder);
    }

    /** For local inputs (configuration) whose typed error is not the wire exception. */
    public static boolean decodesOrRejects(String input, Class<? extends Exception> typed, Decoder decoder) {
        return decodesOrRejects(
                input.length(), input.length() > 256 ? input.substring(0, 256) + "…" : input, typed, decoder);
    }

    private static boolean decodesOrRejects(int inputLength, String shown, Decoder decoder) {
        return decodesOrRejects(inputLength, shown, P2pProtocolException.class, decoder);
    }

    private static boolean decodesOrRejects(
            int inputLength, String shown, Class<? extends Exception> typed, Decoder decoder) {
        Future<Outcome> f;
        synchronized (Decoding.class) {
            f = worker.submit(() -> run(decoder));
        }
        Outcome o;
        try {
            o = f.get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            synchronized (Decoding.class) {
                // A stuck decoder keeps its thread; later checks get a fresh one.
                worker.shutdownNow();
                worker = newWorker();
            }
            throw new AssertionError("decoder did not finish within " + TIMEOUT_MS + " ms on input " + shown);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } catch (ExecutionException e) {
            throw new AssertionError(e.getCause());
        }
        long limit = BASE_ALLOCATION + PER_INPUT_BYTE * inputLength;
        if (o.allocated > limit) {
            fail("decoder allocated " + o.allocated + " bytes (limit " + limit + ") on input " + shown);
        }
        if (o.error != null && !typed.isInstance(o.error)) {
            throw new AssertionError(
                    "decoder threw " + o.error + " instead of " + typed.getSimpleName() + " on input " + shown,
                    o.error);
        }
        return o.error == null;
    }

    private record Outcome(Throwable error, long allocated) {}

    private static ExecutorService newWorker() {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fuzz-decoder");
            t.setDaemon(true);
            return t;
        });
    }

    /** Runs twice and measures the second run, so one-time class initialisation is not counted. */
    private static Outcome run(Decoder decoder) {
        once(decoder);
        return once(decoder);
    }

    private static Outcome once(Decoder decoder) {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = mx.getCurrentThreadAllocatedBytes();
        Throwable error = null;
        try {
            decoder.decode();
        } catch (Throwable t) {
            error = t;
        }
        return new Outcome(error, mx.getCurrentThreadAllocatedBytes() - before);
    }
}
