package dev.speglar.agent;

import dev.speglar.agent.store.MultiStore;
import dev.speglar.containerd.ContainerdStore;
import dev.speglar.containerd.ContainerdStoreConfig;
import dev.speglar.store.ContentStore;
import dev.speglar.store.layout.LayoutSource;
import dev.speglar.store.layout.OciLayoutStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Opens the content store the configuration names. */
final class Stores {
    private Stores() {}

    static ContentStore open(AgentConfig.Store c) throws IOException {
        if (c.kind() == AgentConfig.StoreKind.OCI_LAYOUT) {
            List<ContentStore> stores = new ArrayList<>();
            try {
                for (String spec : c.ociLayouts()) {
                    stores.add(OciLayoutStore.open(LayoutSource.parse(spec)));
                }
            } catch (IOException | RuntimeException e) {
                for (ContentStore s : stores) {
                    s.close();
                }
                throw e;
            }
            return stores.size() == 1 ? stores.getFirst() : new MultiStore(stores);
        }
        AgentConfig.Containerd ctd = c.containerd();
        ContainerdStoreConfig cfg = ContainerdStoreConfig.of(ctd.sock(), ctd.namespaces());
        if (ctd.contentPath() != null) {
            cfg = cfg.withContentPath(ctd.contentPath());
        }
        return ContainerdStore.start(cfg);
    }
}
