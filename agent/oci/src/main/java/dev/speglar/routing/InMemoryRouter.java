package dev.speglar.routing;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A router backed by a map. Several instances may share one {@link Directory} to simulate a network in tests; a
 * lookup completes immediately with the providers known at that moment.
 */
public final class InMemoryRouter implements Router {

    /** The shared "network": key → providers. */
    public static final class Directory {
        private final Map<String, Set<Peer>> providers = new ConcurrentHashMap<>();
        private final List<Peer> members = new CopyOnWriteArrayList<>();
    }

    private final Directory directory;
    private final Peer self;
    private volatile boolean ready;

    public InMemoryRouter(Directory directory, Peer self, boolean ready) {
        this.directory = directory;
        this.self = self;
        this.ready = ready;
        directory.members.add(self);
    }

    /** A lone node: lookups find nothing. */
    public static InMemoryRouter standalone(Peer self) {
        return new InMemoryRouter(new Directory(), self, false);
    }

    public void setReady(boolean ready) {
        this.ready = ready;
    }

    @Override
    public boolean ready() {
        return ready;
    }

    @Override
    public void advertise(Collection<String> keys) {
        for (String k : keys) {
            directory
                    .providers
                    .computeIfAbsent(k, x -> ConcurrentHashMap.newKeySet())
                    .add(self);
        }
    }

    @Override
    public void withdraw(Collection<String> keys) {
        for (String k : keys) {
            Set<Peer> s = directory.providers.get(k);
            if (s != null) {
                s.remove(self);
            }
        }
    }

    @Override
    public Lookup lookup(String key, int count) {
        Deque<Peer> found = new ArrayDeque<>();
        for (Peer p : directory.providers.getOrDefault(key, Set.of())) {
            if (!p.id().equals(self.id()) && found.size() < count) {
                found.add(p);
            }
        }
        return Lookup.of(found);
    }

    @Override
    public String selfId() {
        return self.id();
    }

    @Override
    public List<Peer> peers() {
        return directory.members.stream().filter(p -> !p.id().equals(self.id())).toList();
    }
}
