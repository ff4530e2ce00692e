/**
 * Test fixtures that run the real software Speglar works with, as plain processes (no Docker engine needed):
 * {@link dev.speglar.testkit.ContainerdDaemon}, {@link dev.speglar.testkit.DistributionRegistry},
 * {@link dev.speglar.testkit.NginxServer}, {@link dev.speglar.testkit.Dockerd}; offline test images
 * ({@link dev.speglar.testkit.TestImages}, {@link dev.speglar.testkit.BigImages}); and network helpers
 * ({@link dev.speglar.testkit.LoopbackAddresses}, {@link dev.speglar.testkit.TapProxy},
 * {@link dev.speglar.testkit.RawHttp}).
 *
 * <p>Every fixture is {@code start()}ed, waits for readiness with a bounded Awaitility poll, and is stopped by
 * {@code close()}; a JVM shutdown hook kills whatever is still running. A missing binary fails loudly and names
 * {@code scripts/install-test-deps.sh}.
 */
package dev.speglar.testkit;
