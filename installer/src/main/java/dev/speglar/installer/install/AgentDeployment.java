package dev.speglar.installer.install;

import java.util.List;

/** How the agent runs on the node: a systemd unit, or a DaemonSet through the Kubernetes API. */
public interface AgentDeployment {

    /** Files to write for the agent (unit, runtime); unchanged files are filtered by the engine. */
    List<FileChange> files() throws Exception;

    /** Changes outside the filesystem (Kubernetes objects), described for the plan; empty when up to date. */
    List<String> otherChanges() throws Exception;

    /** Starts or updates the agent after its files were written. */
    void activate(Manifest manifest, boolean filesChanged) throws Exception;

    /** Undoes {@link #activate} after a failed install (best effort, called before files are restored). */
    void rollback() throws Exception;

    /** Called after a rollback restored the files: e.g. restart the previous agent version. */
    default void afterRestore() throws Exception {}

    /** Stops and removes what {@link #activate} created; called by uninstall before files are restored. */
    void uninstall(Manifest manifest) throws Exception;

    AgentDeployment NONE = new AgentDeployment() {
        @Override
        public List<FileChange> files() {
            return List.of();
        }

        @Override
        public List<String> otherChanges() {
            return List.of();
        }

        @Override
        public void activate(Manifest manifest, boolean filesChanged) {}

        @Override
        public void rollback() {}

        @Override
        public void uninstall(Manifest manifest) {}
    };
}
