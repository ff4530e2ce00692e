/**
 * The containerd content store: {@link dev.speglar.containerd.ContainerdStore} over containerd's gRPC API (unix socket,
 * hand-written proto subset under {@code src/main/protobuf}, namespace sent as {@code containerd-namespace} metadata).
 *
 * <p>Usage: {@code ContainerdStore.start(ContainerdStoreConfig.of(socket, List.of("k8s.io", "moby")))}. The store lists
 * every namespace once at start (failing with a {@link dev.speglar.containerd.ContainerdException} if it cannot), then
 * keeps its index current from image and content events, re-listing after reconnects and periodically.
 *
 * <p>Classes: {@link dev.speglar.containerd.ContainerdClient} (calls), {@code IndexBuilder} (list and walk into a
 * {@code ContentIndex}), {@code IndexMaintainer} (event loop, reconnect, resync), {@code BlobOpener} (file or API
 * reads), {@code ImageRecords} (record → image mapping). CRI lives in {@link dev.speglar.containerd.cri}.
 */
package dev.speglar.containerd;
