package dev.mediaferry.logship;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mediaferry.config.Settings;
import dev.mediaferry.observe.Alert;
import dev.mediaferry.observe.AlertManager;
import dev.mediaferry.observe.LogshipFigures;
import dev.mediaferry.testing.RecordingApi;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The shipper's actor: alerts for a refused key and failing uploads, and their clearing. */
@ExtendWith(LogCapturingExtension.class)
class LogShipperTest {
  static final ActorTestKit testKit = ActorTestKit.create();

  @TempDir
  Path home;

  @AfterAll
  static void tearDown() {
    testKit.shutdownTestKit();
  }

  /** A running LogShipper actor over a shipper, its alerts on a probe. */
  private record Running(Shipper shipper, ActorRef<LogShipper.Command> actor, TestProbe<AlertManager.Command> alerts)
      implements AutoCloseable {
    @Override
    public void close() {
      testKit.stop(actor);
      shipper.close();
    }
  }

  /** A log with these lines and a key file holding a key the API refuses. */
  private Path logAndWrongKey(String lines) throws Exception {
    Files.writeString(Files.createDirectories(home.resolve("logs")).resolve("ramnit_2026-11-24.log"), lines);
    return Files.writeString(home.resolve("api.key"), "wrong");
  }

  private Running start(Settings.Logship settings, Consumer<Shipper.Figures> figures) throws Exception {
    Shipper shipper = Shipper.open(settings, home.resolve("state"), Clock.systemDefaultZone());
    TestProbe<AlertManager.Command> alerts = testKit.createTestProbe();
    return new Running(shipper, testKit.spawn(LogShipper.create(shipper, settings, alerts.getRef(),
        Executors.newSingleThreadExecutor(), Clock.systemDefaultZone(), figures)), alerts);
  }

  private static <T extends AlertManager.Command> T awaitAlert(TestProbe<AlertManager.Command> alerts, Class<T> type,
      String key) {
    return type.cast(alerts.fishForMessage(Duration.ofSeconds(10), m ->
        type.isInstance(m) && key.equals(m instanceof AlertManager.Raise r ? r.key() : ((AlertManager.Clear) m).key())
            ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore()).get(0));
  }

  @Test
  void aRefusedKeyRaisesACriticalAlertThatClearsWhenTheFixedKeyIsTaken() throws Exception {
    Path key = logAndWrongKey("10.9.0.1\n10.9.0.2\n");
    AtomicReference<LogshipFigures> figures = new AtomicReference<>(LogshipFigures.NONE);
    try (RecordingApi api = new RecordingApi("X-API-Key", ShipperTest.KEY);
         Running running = start(ShipperTest.settings(home.resolve("logs"), api.url(), key, Settings.DedupMode.DAY,
             100, 1000, Duration.ofMillis(100)), f -> figures.set(f.observed()))) {
      AlertManager.Raise refused = awaitAlert(running.alerts(), AlertManager.Raise.class, LogShipper.REFUSED);
      assertEquals(Alert.Severity.CRITICAL, refused.severity());
      assertTrue(refused.message().contains("401"), refused.message());
      assertEquals(2, figures.get().queuedItems()); // nothing dropped

      Files.writeString(key, ShipperTest.KEY); // fixed: taken at the next try (retry.max later)
      awaitAlert(running.alerts(), AlertManager.Clear.class, LogShipper.REFUSED);
      assertEquals(2, figures.get().uploadedItems());
      assertEquals(0, figures.get().queuedItems());
    }
  }

  @Test
  void cyclesThatWaitForTheRetryDoNotClearTheAlertOrResetTheBackoff() throws Exception {
    Path key = logAndWrongKey("10.9.1.1\n");
    try (RecordingApi api = new RecordingApi("X-API-Key", ShipperTest.KEY);
         Running running = start(new Settings.Logship(true, home.resolve("logs"), "ramnit_*.log", "ipv4",
             Settings.DedupMode.DAY, 30, api.url(), "UNUSED", key, "X-API-Key", 100, Duration.ofMillis(100), 1000,
             Duration.ofHours(1), Duration.ofHours(1), Duration.ofSeconds(2), Duration.ofSeconds(2),
             Duration.ofMillis(100)), f -> { })) {
      awaitAlert(running.alerts(), AlertManager.Raise.class, LogShipper.REFUSED);
      // every later cycle (one queue message each) reads but may not upload until retry.max: none clears it
      for (AlertManager.Command m : running.alerts().receiveSeveralMessages(5, Duration.ofSeconds(10))) {
        assertTrue(!(m instanceof AlertManager.Clear c) || !c.key().equals(LogShipper.REFUSED), "cleared: " + m);
      }
      assertEquals(1, api.received().size()); // no upload before retry.max
    }
  }

  @Test
  void backoffDoublesWithJitterUpToItsMaximum() {
    for (int attempt = 1; attempt <= 12; attempt++) {
      Duration wait = LogShipper.backoff(Duration.ofSeconds(1), Duration.ofSeconds(60), attempt);
      long ceiling = Math.min(60_000, 1000L << (attempt - 1));
      assertTrue(wait.toMillis() >= ceiling / 2 && wait.toMillis() <= ceiling, attempt + ": " + wait);
    }
  }
}
