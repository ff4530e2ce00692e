package dev.speglar.registry.mirror;

import dev.speglar.routing.Lookup;
import dev.speglar.routing.Peer;
import dev.speglar.routing.Router;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** A router that finds the given peers for every key, in the given order (InMemoryRouter's order is a hash order). */
final class OrderedRouter implements Router {
    private volatile List<Peer> peers;
    final AtomicInteger lookups = new AtomicInteger();

    OrderedRouter(List<Peer> peers) {
        this.peers = List.copyOf(peers);
    }

    /** Changes what later lookups find. */
    void set(FakePeer... fakes) {
        peers = java.util.Arrays.stream(fakes).map(FakePeer::peer).toList();
    }

    static OrderedRouter of(FakePeer... fakes) {
        return new OrderedRouter(
                java.util.Arrays.stream(fakes).map(FakePeer::peer).toList());
    }

    @Override
    public boolean ready() {
        return true;
    }

    @Override
    public void advertise(Collection<String> keys) {}

    @Override
    public void withdraw(Collection<String> keys) {}

    @Override
    public Lookup lookup(String key, int count) {
        lookups.incrementAndGet();
        List<Peer> now = peers;
        Deque<Peer> found = new ArrayDeque<>(now.subList(0, Math.min(count, now.size())));
        return Lookup.of(found);
    }

    @Override
    public List<Peer> peers() {
        return peers;
    }
}
