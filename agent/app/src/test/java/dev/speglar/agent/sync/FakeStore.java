package dev.speglar.agent.sync;

import dev.speglar.oci.Descriptor;
import dev.speglar.oci.Digest;
import dev.speglar.oci.ImageName;
import dev.speglar.store.Blob;
import dev.speglar.store.ContentStore;
import dev.speglar.store.Image;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** A store whose images and trees are set by the test; notifies subscribers on every change. */
final class FakeStore implements ContentStore {
    final List<Image> images = new CopyOnWriteArrayList<>();
    final Map<Digest, List<Descriptor>> trees = new ConcurrentHashMap<>();
    final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    void put(String name, List<Descriptor> tree) {
        images.add(new Image("k8s.io", ImageName.parse(name), tree.getFirst().digest()));
        trees.put(tree.getFirst().digest(), tree);
        listeners.forEach(Runnable::run);
    }

    void remove(String name) {
        images.removeIf(i -> i.name().toString().equals(name));
        listeners.forEach(Runnable::run);
    }

    @Override
    public String name() {
        return "fake";
    }

    @Override
    public List<Image> images() {
        return new ArrayList<>(images);
    }

    @Override
    public Optional<Digest> resolve(ImageName tagged) {
        return images.stream()
                .filter(i -> i.name().equals(tagged))
                .map(Image::target)
                .findFirst();
    }

    @Override
    public Optional<Descriptor> descriptor(Digest digest) {
        return trees.values().stream()
                .flatMap(List::stream)
                .filter(d -> d.digest().equals(digest))
                .findFirst();
    }

    @Override
    public Optional<Blob> open(Digest digest) {
        return Optional.empty();
    }

    @Override
    public List<Descriptor> walk(Digest root) {
        return trees.getOrDefault(root, List.of());
    }

    @Override
    public AutoCloseable subscribe(Runnable onChange) {
        listeners.add(onChange);
        return () -> listeners.remove(onChange);
    }

    @Override
    public void close() {}
}
