package dev.mediaferry.observe;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.mediaferry.testing.ManualClock;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.BehaviorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Suppression, resolution, and a webhook on a real HTTP server on 127.0.0.1. */
class AlertManagerTest {
  static final ActorTestKit testKit = ActorTestKit.create();
  static final ObjectMapper JSON = new ObjectMapper();

  HttpServer server;
  final List<JsonNode> received = new CopyOnWriteArrayList<>();
  final AtomicInteger failuresToServe = new AtomicInteger();
  final ManualClock clock = new ManualClock(Instant.parse("2026-11-23T00:00:00Z"));

  @BeforeEach
  void startServer() throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/hook", exchange -> {
      int status = failuresToServe.getAndDecrement() > 0 ? 500 : 200;
      if (status == 200) {
        received.add(JSON.readTree(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
      }
      exchange.sendResponseHeaders(status, -1);
      exchange.close();
    });
    server.start();
  }

  @AfterEach
  void stopServer() {
    server.stop(0);
  }

  @AfterAll
  static void tearDown() {
    testKit.shutdownTestKit();
  }

  private String hook() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
  }

  private static final class Recording implements AlertSink {
    final List<Alert> alerts = new CopyOnWriteArrayList<>();

    @Override
    public void send(Alert alert) {
      alerts.add(alert);
    }
  }

  @Test
  void alertFiresOncePerWindowEscalatesAtOnceAndResolves() {
    Recording log = new Recording();
    WebhookSink webhook = new WebhookSink(hook(), Duration.ofSeconds(5), 3);
    // synchronous: each message is handled before the clock moves
    BehaviorTestKit<AlertManager.Command> alerts =
        BehaviorTestKit.create(AlertManager.create(Duration.ofMinutes(30), List.of(log, webhook), clock));

    alerts.run(new AlertManager.Raise("target-space", Alert.Severity.WARNING, "NAS has 9 GiB free"));
    alerts.run(new AlertManager.Raise("target-space", Alert.Severity.WARNING, "NAS has 8 GiB free"));
    clock.advance(Duration.ofMinutes(29));
    alerts.run(new AlertManager.Raise("target-space", Alert.Severity.WARNING, "NAS has 7 GiB free"));
    alerts.run(new AlertManager.Raise("target-space", Alert.Severity.CRITICAL, "NAS has 1 GiB free"));
    clock.advance(Duration.ofMinutes(31));
    alerts.run(new AlertManager.Raise("target-space", Alert.Severity.CRITICAL, "NAS has 1 GiB free"));
    alerts.run(new AlertManager.Clear("target-space", "NAS has room again"));
    alerts.run(new AlertManager.Clear("target-space", "still fine"));

    assertEquals(List.of("NAS has 9 GiB free", "NAS has 1 GiB free", "NAS has 1 GiB free", "NAS has room again"),
        log.alerts.stream().map(Alert::message).toList());
    assertEquals(Alert.Status.RESOLVED, log.alerts.get(3).status());
    await().atMost(Duration.ofSeconds(10)).until(() -> webhook.pending() == 0 && received.size() == 4);
    JsonNode last = received.stream().filter(n -> n.get("status").asText().equals("resolved")).findFirst()
        .orElseThrow();
    assertEquals("target-space", last.get("alert").asText());
    assertEquals("critical", last.get("severity").asText());
    assertTrue(last.has("host") && last.has("time"));
  }

  @Test
  void webhookRetriesUntilTheServerAcceptsIt() {
    failuresToServe.set(2);
    WebhookSink webhook = new WebhookSink(hook(), Duration.ofSeconds(5), 3);
    ActorRef<AlertManager.Command> alerts =
        testKit.spawn(AlertManager.create(Duration.ofMinutes(30), List.of(webhook), clock));

    alerts.tell(new AlertManager.Raise("quarantined", Alert.Severity.CRITICAL, "1 file quarantined"));

    await().atMost(Duration.ofSeconds(15)).until(() -> received.size() == 1);
    assertEquals("firing", received.get(0).get("status").asText());
  }

  @Test
  void deadWebhookNeverHoldsUpOtherAlerts() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    Recording log = new Recording();
    WebhookSink dead = new WebhookSink("http://127.0.0.1:" + closedPort + "/hook", Duration.ofSeconds(2), 2);
    ActorRef<AlertManager.Command> alerts =
        testKit.spawn(AlertManager.create(Duration.ZERO, List.of(dead, log), clock));

    for (int i = 0; i < 20; i++) {
      alerts.tell(new AlertManager.Raise("k" + i, Alert.Severity.WARNING, "alert " + i));
    }

    await().atMost(Duration.ofSeconds(2)).until(() -> log.alerts.size() == 20);
    await().atMost(Duration.ofSeconds(30)).until(() -> dead.pending() == 0);
  }
}
