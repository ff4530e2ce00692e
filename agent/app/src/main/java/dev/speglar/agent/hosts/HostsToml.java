package dev.speglar.agent.hosts;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/** Renders one registry's {@code hosts.toml} in upstream Spegel's exact format (so files are interchangeable). */
public final class HostsToml {

  private HostsToml() {}

  /**
   * @param registry the mirrored registry (or the wildcard, which gets no {@code server} line)
   * @param targets mirror endpoints, in the order containerd should try them
   * @param resolveTags whether mirrors may resolve tags
   * @param basicAuth {@code user:password} to send to the mirrors, or null
   */
  public static String render(RegistryUrl registry, List<RegistryUrl> targets, boolean resolveTags, String basicAuth) {
    StringBuilder sb = new StringBuilder();
    if (!registry.wildcard()) {
      sb.append("server = ").append(quote(registry.serverUrl())).append("\n\n");
    }
    String caps = resolveTags ? "['pull', 'resolve']" : "['pull']";
    for (RegistryUrl t : targets) {
      String key = "[host." + quote(t.toString());
      sb.append(key).append("]\n");
      sb.append("capabilities = ").append(caps).append('\n');
      sb.append("dial_timeout = '200ms'\n");
      if (basicAuth != null) {
        String token = Base64.getEncoder().encodeToString(basicAuth.getBytes(StandardCharsets.UTF_8));
        sb.append(key).append(".header]\n");
        sb.append("Authorization = ").append(quote("Basic " + token)).append('\n');
      }
      sb.append('\n');
    }
    return sb.toString().strip();
  }

  /** A TOML literal string; falls back to a basic string when the value contains a single quote or newline. */
  static String quote(String s) {
    if (s.indexOf('\'') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
      return "'" + s + "'";
    }
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }
}
