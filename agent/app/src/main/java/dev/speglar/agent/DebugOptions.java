package dev.speglar.agent;

/**
 * Which debug pages the metrics server serves.
 *
 * @param web the debug web UI under {@code /debug/web/} ({@code --debug-web-enabled}, on by default as upstream)
 * @param diagnostics thread dumps and flight recordings under {@code /debug/diagnostics/}
 *     ({@code --debug-diagnostics-enabled}, off by default)
 */
public record DebugOptions(boolean web, boolean diagnostics) {
  public static final DebugOptions DEFAULT = new DebugOptions(true, false);
}
