package dev.mediaferry.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * The log shipper's HTTP API, on 127.0.0.1: records every batch it receives (id, items, key),
 * and answers as told: 200, an error status (with Retry-After), hang without answering, or
 * not listen at all (stop, then start again on the same port).
 */
public final class RecordingApi implements AutoCloseable {
  /** What the next requests get. */
  public enum Mode { OK, FAIL_500, TOO_MANY_429, UNAUTHORIZED_401, HANG }

  /** One request as received. */
  public record Received(String batchId, String idempotencyKey, List<String> items, String apiKey, int answered) {}

  private static final ObjectMapper JSON = new ObjectMapper();
  private final String keyHeader;
  private final String goodKey;
  private final int port;
  private final List<Received> received = new ArrayList<>();
  private final AtomicInteger hanging = new AtomicInteger();
  private volatile Mode mode = Mode.OK;
  private volatile CountDownLatch release = new CountDownLatch(1);
  private HttpServer server;

  public RecordingApi(String keyHeader, String goodKey) throws IOException {
    this.keyHeader = keyHeader;
    this.goodKey = goodKey;
    this.server = listen(0);
    this.port = server.getAddress().getPort();
  }

  private HttpServer listen(int onPort) throws IOException {
    HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), onPort), 0);
    s.createContext("/ingest", this::handle);
    s.setExecutor(Executors.newCachedThreadPool());
    s.start();
    return s;
  }

  public String url() {
    return "http://127.0.0.1:" + port + "/ingest";
  }

  public void mode(Mode mode) {
    if (this.mode == Mode.HANG && mode != Mode.HANG) {
      release.countDown();
      release = new CountDownLatch(1);
    }
    this.mode = mode;
  }

  /** Requests waiting without an answer now. */
  public int hanging() {
    return hanging.get();
  }

  /** Down: connections are refused until start(). */
  public void stop() {
    release.countDown();
    server.stop(0);
  }

  public void start() throws IOException {
    server = listen(port);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      String key = exchange.getRequestHeaders().getFirst(keyHeader);
      Mode now = mode;
      int status = switch (now) {
        case OK, HANG -> goodKey.equals(key) ? 200 : 401;
        case FAIL_500 -> 500;
        case TOO_MANY_429 -> 429;
        case UNAUTHORIZED_401 -> 401;
      };
      JsonNode json = JSON.readTree(body);
      List<String> items = new ArrayList<>();
      json.get("items").forEach(item -> items.add(item.asText()));
      synchronized (received) {
        received.add(new Received(json.get("batch_id").asText(), exchange.getRequestHeaders().getFirst(
            "Idempotency-Key"), items, key, now == Mode.HANG ? -1 : status));
      }
      if (now == Mode.HANG) {
        hanging.incrementAndGet();
        try {
          release.await(60, TimeUnit.SECONDS); // the client's timeout (or its death) ends it first
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } finally {
          hanging.decrementAndGet();
        }
        return;
      }
      if (now == Mode.TOO_MANY_429) {
        exchange.getResponseHeaders().add("Retry-After", "1");
      }
      byte[] answer = ("{\"status\":" + status + "}").getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(status, answer.length);
      exchange.getResponseBody().write(answer);
    }
  }

  public List<Received> received() {
    synchronized (received) {
      return List.copyOf(received);
    }
  }

  /** Items in batches answered 200, with the ids of the batches that carried each. */
  public Map<String, Set<String>> acceptedItems() {
    return itemsOf(r -> r.answered() == 200);
  }

  /** Every item that reached the server in any request (answered or not). */
  public Map<String, Set<String>> allItems() {
    return itemsOf(r -> true);
  }

  private Map<String, Set<String>> itemsOf(Predicate<Received> which) {
    Map<String, Set<String>> ids = new HashMap<>();
    for (Received r : received()) {
      if (which.test(r)) {
        r.items().forEach(item -> ids.computeIfAbsent(item, k -> new HashSet<>()).add(r.batchId()));
      }
    }
    return ids;
  }

  @Override
  public void close() {
    stop();
  }
}
