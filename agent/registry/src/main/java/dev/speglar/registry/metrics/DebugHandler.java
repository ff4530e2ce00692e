package dev.speglar.registry.metrics;

/**
 * A read-only page under a path prefix of the metrics server (debug web, diagnostics). Called on its own virtual
 * thread, so it may block (a DHT lookup, a pull, a recording); the server bounds how many run at once.
 */
@FunctionalInterface
public interface DebugHandler {
    DebugResponse handle(DebugRequest request) throws Exception;
}
