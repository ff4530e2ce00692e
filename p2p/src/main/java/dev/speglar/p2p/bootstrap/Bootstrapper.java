package dev.speglar.p2p.bootstrap;

import java.io.IOException;
import java.util.List;

/** Source of seed peers (upstream's Bootstrapper.Get). */
public interface Bootstrapper {
    List<BootstrapPeer> get() throws IOException, InterruptedException;
}
