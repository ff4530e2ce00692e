package dev.speglar.registry.http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;

/** Turns a failed bind into an exception that names the address. */
public final class Binding {
  private Binding() {}

  /** Runtime exceptions as they are; I/O failures (sneaky-thrown by Netty) wrapped with the address. */
  public static RuntimeException failure(InetSocketAddress address, Exception e) {
    if (e instanceof RuntimeException r) {
      return r;
    }
    if (e instanceof IOException io) {
      return new UncheckedIOException("cannot listen on " + address + ": " + io.getMessage(), io);
    }
    return new IllegalStateException("cannot listen on " + address, e);
  }
}
