package dev.speglar.e2e.web;

import dev.speglar.store.manifest.Json;
import dev.speglar.testkit.HeadlessChromium;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** A minimal Chrome DevTools Protocol client for one page: navigate, evaluate JavaScript, take a screenshot. */
public final class DevTools implements AutoCloseable {
  private final HttpClient http = HttpClient.newHttpClient();
  private final Map<Long, CompletableFuture<Map<String, Object>>> pending = new ConcurrentHashMap<>();
  private final AtomicInteger ids = new AtomicInteger();
  private final WebSocket socket;

  private DevTools(String pageSocketUrl) throws Exception {
    socket = http.newWebSocketBuilder().buildAsync(URI.create(pageSocketUrl), new Listener()).get(30, TimeUnit.SECONDS);
  }

  /** Opens a new blank page in {@code browser} and connects to it. */
  public static DevTools newPage(HeadlessChromium browser) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + browser.debuggingPort()
        + "/json/new?about:blank")).PUT(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("DevTools /json/new answered " + r.statusCode() + ": " + r.body());
    }
    DevTools d = new DevTools((String) Json.parseObject(r.body().getBytes()).get("webSocketDebuggerUrl"));
    d.call("Page.enable", "{}");
    return d;
  }

  public void navigate(String url) throws Exception {
    StringBuilder p = new StringBuilder("{\"url\":");
    Json.quote(p, url);
    Map<String, Object> result = call("Page.navigate", p.append('}').toString());
    if (result.containsKey("errorText")) {
      throw new IllegalStateException("navigation to " + url + " failed: " + result.get("errorText"));
    }
  }

  /** The value of {@code expression} (awaited if it is a promise), as JSON-decoded Java values. */
  public Object eval(String expression) throws Exception {
    StringBuilder p = new StringBuilder("{\"expression\":");
    Json.quote(p, expression);
    Map<String, Object> r = call("Runtime.evaluate", p.append(",\"returnByValue\":true,\"awaitPromise\":true}").toString());
    if (r.containsKey("exceptionDetails")) {
      throw new IllegalStateException("script failed: " + r.get("exceptionDetails"));
    }
    Object value = ((Map<?, ?>) r.get("result")).get("value");
    return value == Json.NULL ? null : value;
  }

  public byte[] screenshot() throws Exception {
    Map<String, Object> r = call("Page.captureScreenshot", "{\"format\":\"png\",\"captureBeyondViewport\":true}");
    return Base64.getDecoder().decode((String) r.get("data"));
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> call(String method, String params) throws Exception {
    long id = ids.incrementAndGet();
    CompletableFuture<Map<String, Object>> f = new CompletableFuture<>();
    pending.put(id, f);
    StringBuilder m = new StringBuilder("{\"id\":").append(id).append(",\"method\":");
    Json.quote(m, method);
    socket.sendText(m.append(",\"params\":").append(params).append('}'), true).get(30, TimeUnit.SECONDS);
    Map<String, Object> reply = f.get(60, TimeUnit.SECONDS);
    if (reply.containsKey("error")) {
      throw new IllegalStateException(method + ": " + reply.get("error"));
    }
    return (Map<String, Object>) reply.get("result");
  }

  @Override
  public void close() {
    socket.sendClose(WebSocket.NORMAL_CLOSURE, "").orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null).join();
    http.close();
  }

  /** Reassembles messages and completes the call each reply answers; events are ignored. */
  private final class Listener implements WebSocket.Listener {
    private final StringBuilder buffer = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      buffer.append(data);
      if (last) {
        String text = buffer.toString();
        buffer.setLength(0);
        try {
          Map<String, Object> msg = Json.parseObject(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
          if (msg.get("id") instanceof Long id) {
            CompletableFuture<Map<String, Object>> f = pending.remove(id);
            if (f != null) {
              f.complete(msg);
            }
          }
        } catch (Exception e) {
          pending.values().forEach(f -> f.completeExceptionally(e));
        }
      }
      ws.request(1);
      return null;
    }
  }
}
