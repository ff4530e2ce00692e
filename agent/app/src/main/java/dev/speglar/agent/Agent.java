package dev.speglar.agent;

import java.util.concurrent.CountDownLatch;

/** A running agent: store, router, state sync, registry and metrics servers. Closing stops them in reverse order. */
public final class Agent implements AutoCloseable {
  private final CountDownLatch stopped = new CountDownLatch(1);

  private Agent() {}

  public static Agent start(AgentConfig config) throws Exception {
    throw new UnsupportedOperationException("wiring lands with the registry and store modules");
  }

  public void awaitShutdown() throws InterruptedException {
    stopped.await();
  }

  @Override
  public void close() {
    stopped.countDown();
  }
}
