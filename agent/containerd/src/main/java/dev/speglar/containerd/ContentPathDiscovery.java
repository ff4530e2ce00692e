package dev.speglar.containerd;

import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds containerd's content root through introspection (plugin {@code io.containerd.content.v1/content}, export
 * {@code root}). Null when containerd does not say, or the directory is not visible here (agent in a container
 * without the host mount): blobs are then read through the API.
 */
final class ContentPathDiscovery {
    private static final Logger log = LoggerFactory.getLogger(ContentPathDiscovery.class);

    static Path discover(ContainerdClient client) {
        try {
            String root =
                    client.pluginExports("io.containerd.content.v1", "content").get("root");
            if (root == null || root.isEmpty()) {
                log.info("containerd does not export its content root; reading blobs through the API");
                return null;
            }
            Path p = Path.of(root);
            if (!Files.isDirectory(p)) {
                log.info("containerd content root {} is not visible here; reading blobs through the API", p);
                return null;
            }
            return p;
        } catch (ContainerdException | RuntimeException e) {
            log.info(
                    "could not discover containerd's content root ({}); reading blobs through the API", e.getMessage());
            return null;
        }
    }

    private ContentPathDiscovery() {}
}
