package dev.speglar.p2p.host;

import java.util.concurrent.atomic.LongAdder;

/** What a {@link Host} cut off to protect itself; read by whoever exports metrics. */
public final class HostCounters {
    final LongAdder refusedTotal = new LongAdder();
    final LongAdder refusedSource = new LongAdder();
    final LongAdder handshakeTimeouts = new LongAdder();

    /** Inbound or outbound connections refused because the host's total cap was reached. */
    public long refusedTotal() {
        return refusedTotal.sum();
    }

    /** Inbound connections refused because their source IP already had its share open. */
    public long refusedSource() {
        return refusedSource.sum();
    }

    /** Connections closed because they did not finish the multistream + Noise + muxer upgrade in time. */
    public long handshakeTimeouts() {
        return handshakeTimeouts.sum();
    }
}
