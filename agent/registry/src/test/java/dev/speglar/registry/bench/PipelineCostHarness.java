package dev.speglar.registry.bench;

import dev.speglar.oci.Descriptor;
import dev.speglar.oci.MediaTypes;
import dev.speglar.registry.NotFoundMissHandler;
import dev.speglar.registry.Readiness;
import dev.speglar.registry.http.DistributionPathParser;
import dev.speglar.registry.http.HttpExchangeHandler;
import dev.speglar.registry.http.RegistryHandler;
import dev.speglar.registry.metrics.HttpMetrics;
import dev.speglar.registry.testing.FakeContentStore;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * CPU cost of one manifest HEAD through the whole server pipeline (decode, route, index lookup, metrics, encode) on
 * an {@link EmbeddedChannel}: no sockets, so the figure is the server's own work per request, measured as thread CPU
 * time and therefore robust to a busy machine. Not a test; see agent/registry/REGISTRY.md.
 */
public final class PipelineCostHarness {
    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 2_000_000;
        FakeContentStore store = new FakeContentStore(null);
        Descriptor m = store.add(MediaTypes.OCI_MANIFEST, "{}".getBytes(StandardCharsets.UTF_8));
        store.tag("docker.io/library/bench:1.0", m.digest());
        RegistryHandler handler = new RegistryHandler(new RegistryHandler.Config(
                store,
                null,
                NotFoundMissHandler.INSTANCE,
                new DistributionPathParser("docker.io"),
                List.of(),
                null,
                Readiness.ROUTER,
                null));
        HttpMetrics metrics = HttpMetrics.on(new PrometheusRegistry());
        EmbeddedChannel ch = new EmbeddedChannel(
                new HttpServerCodec(), new HttpExchangeHandler(metrics), new ChunkedWriteHandler(), handler);
        byte[] request = ("HEAD /v2/library/bench/manifests/1.0?ns=docker.io HTTP/1.1\r\nHost: 127.0.0.1:5000\r\n"
                        + "User-Agent: containerd/1.6.20\r\nAccept: application/vnd.oci.image.manifest.v1+json, */*\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        var bean = ManagementFactory.getThreadMXBean();
        for (int round = 0; round < 3; round++) {
            long cpu0 = bean.getCurrentThreadCpuTime();
            long wall0 = System.nanoTime();
            long bytes = 0;
            for (int i = 0; i < n; i++) {
                ch.writeInbound(Unpooled.wrappedBuffer(request));
                for (Object o = ch.readOutbound(); o != null; o = ch.readOutbound()) {
                    bytes += ((ByteBuf) o).readableBytes();
                    ((ByteBuf) o).release();
                }
            }
            long cpu = bean.getCurrentThreadCpuTime() - cpu0;
            long wall = System.nanoTime() - wall0;
            System.out.printf(
                    "round %d: %d requests, %.2f us CPU/request (%.0f k req/s per core), wall %.2f us, %d B out%n",
                    round, n, cpu / 1e3 / n, n / (cpu / 1e9) / 1e3, wall / 1e3 / n, bytes / n);
        }
    }
}
