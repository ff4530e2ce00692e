package dev.speglar.agent.routing;

import dev.speglar.p2p.P2pNode;
import dev.speglar.p2p.Provider;
import dev.speglar.p2p.ProviderStream;
import dev.speglar.routing.Lookup;
import dev.speglar.routing.Peer;
import dev.speglar.routing.Router;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The agent's view of the libp2p DHT. Providers become peers reached at the local registry port (as upstream assumes
 * uniform ports); providers without an IP address are skipped because there is nothing to dial.
 */
public final class P2pRouter implements Router {
  private final P2pNode node;

  public P2pRouter(P2pNode node) {
    this.node = node;
  }

  public P2pNode node() {
    return node;
  }

  @Override
  public boolean ready() {
    return node.ready();
  }

  @Override
  public void advertise(Collection<String> keys) {
    node.advertise(keys);
  }

  @Override
  public void withdraw(Collection<String> keys) {
    node.withdraw(keys);
  }

  @Override
  public Lookup lookup(String key, int count) {
    return lookup(key, count, false);
  }

  @Override
  public String selfId() {
    return node.peerId();
  }

  @Override
  public Lookup lookup(String key, int count, boolean fresh) {
    ProviderStream stream = node.lookup(key, count, fresh);
    return new Lookup() {
      @Override
      public Optional<Peer> next(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
          Optional<Provider> p = stream.poll(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
          if (p.isEmpty()) {
            return Optional.empty();
          }
          if (!p.get().addresses().isEmpty()) {
            return Optional.of(toPeer(p.get()));
          }
        }
      }

      @Override
      public boolean finished() {
        return stream.finished();
      }

      @Override
      public void close() {
        stream.close();
      }
    };
  }

  @Override
  public List<Peer> peers() {
    return node.peers().stream().filter(p -> !p.addresses().isEmpty()).map(P2pRouter::toPeer).toList();
  }

  private static Peer toPeer(Provider p) {
    return new Peer(p.peerId(), p.addresses(), 0);
  }

  @Override
  public void close() {
    node.close();
  }
}
