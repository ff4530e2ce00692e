package dev.speglar.e2e.web;

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
    /** Jackson (numbers as Long, as the replies' ids are compared as longs). */
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
            new com.fasterxml.jackson.databind.ObjectMapper()
                    .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_LONG_FOR_INTS);

    /** {@code s} as a JSON (and JavaScript) string literal. */
    public static String jsonString(String s) {
        try {
            return JSON.writeValueAsString(s);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private final HttpClient http = HttpClient.newHttpClient();
    private final Map<Long, CompletableFuture<Map<String, Object>>> pending = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();
    private final WebSocket socket;

    private DevTools(String pageSocketUrl) throws Exception {
        socket = http.newWebSocketBuilder()
                .buildAsync(URI.create(pageSocketUrl), new Listener())
                .get(30, TimeUnit.SECONDS);
    }

    /** Opens a new blank page in {@code browser} and connects to it. */
    public static DevTools newPage(HeadlessChromium browser) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + browser.debuggingPort() + "/json/new?about:blank"))
                        .PUT(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("DevTools /json/new answered " + r.statusCode() + ": " + r.body());
        }
        DevTools d = new DevTools((String) JSON.readValue(r.body(), Map.class).get("webSocketDebuggerUrl"));
        d.call("Page.enable", "{}");
        return d;
    }

    public void navigate(String url) throws Exception {
        Map<String, Object> result = call("Page.navigate", JSON.writeValueAsString(Map.of("url", url)));
        if (result.containsKey("errorText")) {
            throw new IllegalStateException("navigation to " + url + " failed: " + result.get("errorText"));
        }
    }

    /** The value of {@code expression} (awaited if it is a promise), as JSON-decoded Java values. */
    public Object eval(String expression) throws Exception {
        Map<String, Object> r = call(
                "Runtime.evaluate",
                JSON.writeValueAsString(Map.of("expression", expression, "returnByValue", true, "awaitPromise", true)));
        if (r.containsKey("exceptionDetails")) {
            throw new IllegalStateException("script failed: " + r.get("exceptionDetails"));
        }
        Object value = ((Map<?, ?>) r.get("result")).get("value");
        return value;
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
        String m = "{\"id\":" + id + ",\"method\":" + jsonString(method) + ",\"params\":" + params + "}";
        socket.sendText(m, true).get(30, TimeUnit.SECONDS);
        Map<String, Object> reply = f.get(60, TimeUnit.SECONDS);
        if (reply.containsKey("error")) {
            throw new IllegalStateException(method + ": " + reply.get("error"));
        }
        return (Map<String, Object>) reply.get("result");
    }

    @Override
    public void close() {
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "")
                .orTimeout(5, TimeUnit.SECONDS)
                .exceptionally(e -> null)
                .join();
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
                    @SuppressWarnings("unchecked")
                    Map<String, Object> msg = JSON.readValue(text, Map.class);
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
