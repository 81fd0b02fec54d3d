package dev.mediaferry.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mediaferry.config.Settings;
import dev.mediaferry.observe.Alert;
import dev.mediaferry.observe.AlertManager;
import dev.mediaferry.targets.LocalTarget;
import dev.mediaferry.targets.Space;
import dev.mediaferry.testing.FaultyTarget;
import dev.mediaferry.transfer.TransferSupervisor;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The guard's checks on ManualTime: each interval the supervisor gets the target's space; the dock raises alerts. */
class StorageGuardTest {
  static final ActorTestKit testKit = ActorTestKit.create(ManualTime.config());
  static final ManualTime time = ManualTime.get(testKit.system());

  @TempDir Path dir;

  @AfterAll
  static void tearDown() {
    testKit.shutdownTestKit();
  }

  @Test
  void everyCheckReportsTheTargetSpaceAndTheDockPressure() {
    FaultyTarget target = new FaultyTarget(new LocalTarget(dir));
    target.fakeSpace = new Space(500, 1000);
    TestProbe<TransferSupervisor.Command> supervisor = testKit.createTestProbe();
    TestProbe<AlertManager.Command> alerts = testKit.createTestProbe();
    // warn at 0 %: any real disk is "full enough" to raise the warning; critical at 100 % never
    Settings.Storage settings = new Settings.Storage(Duration.ofSeconds(60), 0, 0, 0, 100, false,
        new Settings.Retention(false, java.util.List.of("**"), 30, Settings.RetentionScope.JOURNAL));

    testKit.spawn(StorageGuard.create(target, dir, settings, supervisor.ref(), alerts.ref(), Runnable::run, null,
        java.time.Clock.systemUTC(), new dev.mediaferry.observe.Metrics()));

    assertEquals(new Space(500, 1000),
        supervisor.expectMessageClass(TransferSupervisor.TargetSpace.class).space());
    AlertManager.Raise dock = alerts.expectMessageClass(AlertManager.Raise.class);
    assertEquals("dock-disk", dock.key());
    assertEquals(Alert.Severity.WARNING, dock.severity());

    target.fakeSpace = new Space(100, 1000);
    time.expectNoMessageFor(Duration.ofSeconds(59), supervisor);
    time.timePasses(Duration.ofSeconds(1));
    assertEquals(new Space(100, 1000),
        supervisor.expectMessageClass(TransferSupervisor.TargetSpace.class).space());
  }

  @Test
  void aMeasurementThatHangsIsNeverJoinedByASecondOne() throws Exception {
    FaultyTarget target = new FaultyTarget(new LocalTarget(dir));
    target.fakeSpace = new Space(500, 1000);
    java.util.concurrent.CountDownLatch nasAnswers = target.blockSpace();
    TestProbe<TransferSupervisor.Command> supervisor = testKit.createTestProbe();
    Settings.Storage settings = new Settings.Storage(Duration.ofSeconds(60), 0, 0, 99, 100, false,
        new Settings.Retention(false, java.util.List.of("**"), 30, Settings.RetentionScope.JOURNAL));
    java.util.concurrent.ExecutorService blocking = java.util.concurrent.Executors.newCachedThreadPool();
    try {
      testKit.spawn(StorageGuard.create(target, dir, settings, supervisor.ref(), testKit.<AlertManager.Command>createTestProbe().ref(),
          blocking, null, java.time.Clock.systemUTC(), new dev.mediaferry.observe.Metrics()));
      org.awaitility.Awaitility.await().until(() -> target.spaceCalls.get() == 1);

      org.apache.pekko.actor.testkit.typed.javadsl.LoggingTestKit.warn("is still running").expect(testKit.system(),
          () -> {
            time.timePasses(Duration.ofSeconds(60));
            return null;
          });
      time.timePasses(Duration.ofSeconds(60));
      nasAnswers.countDown();

      assertEquals(new Space(500, 1000), supervisor.expectMessageClass(TransferSupervisor.TargetSpace.class).space());
      assertEquals(1, target.spaceCalls.get(), "two hung intervals started no second measurement");
      time.timePasses(Duration.ofSeconds(60)); // once answered, the next interval measures again
      supervisor.expectMessageClass(TransferSupervisor.TargetSpace.class);
      assertEquals(2, target.spaceCalls.get());
    } finally {
      nasAnswers.countDown();
      blocking.shutdownNow();
    }
  }

  @Test
  void belowTheReserveRetentionAsksForTheOldestDeliveredFilesOnce() throws Exception {
    java.nio.file.Path db = dir.resolve("journal.db");
    dev.mediaferry.journal.JournalDatabase.ensureSchema(db);
    long day = Duration.ofDays(1).toMillis();
    long now = System.currentTimeMillis();
    try (dev.mediaferry.journal.FileIndex index = dev.mediaferry.journal.FileIndex.open(db)) {
      java.util.List<dev.mediaferry.journal.FileIndex.Change> changes = new java.util.ArrayList<>();
      int[] ages = {100, 60, 10}; // days since delivery; keep-days is 30
      for (int i = 0; i < ages.length; i++) {
        changes.addAll(delivered("f" + i, "clip-" + i + ".mp4", now - ages[i] * day));
      }
      index.apply(changes, changes.size());
      FaultyTarget target = new FaultyTarget(new LocalTarget(dir));
      target.fakeSpace = new Space(100, 1000); // reserve 300: 200 short
      TestProbe<TransferSupervisor.Command> supervisor = testKit.createTestProbe();
      TestProbe<AlertManager.Command> alerts = testKit.createTestProbe();
      Settings.Storage settings = new Settings.Storage(Duration.ofSeconds(60), 300, 0, 99, 100, false,
          new Settings.Retention(true, java.util.List.of("**"), 30, Settings.RetentionScope.JOURNAL));

      testKit.spawn(StorageGuard.create(target, dir, settings, supervisor.ref(), alerts.ref(), Runnable::run, index,
          java.time.Clock.systemUTC(), new dev.mediaferry.observe.Metrics()));

      supervisor.expectMessageClass(TransferSupervisor.TargetSpace.class);
      TransferSupervisor.PurgeRemote first = supervisor.expectMessageClass(TransferSupervisor.PurgeRemote.class);
      TransferSupervisor.PurgeRemote second = supervisor.expectMessageClass(TransferSupervisor.PurgeRemote.class);
      assertEquals(java.util.List.of("f0", "f1"), java.util.List.of(first.file().fileId(), second.file().fileId()));
      time.timePasses(Duration.ofSeconds(60)); // still short: the same files are not asked for twice
      supervisor.expectMessageClass(TransferSupervisor.TargetSpace.class);
      supervisor.expectNoMessage(Duration.ofMillis(200));
    }
  }

  /** The six events of a file delivered (verified 100 bytes, deleted locally) at the given time. */
  private static java.util.List<dev.mediaferry.journal.FileIndex.Change> delivered(String id, String path, long at) {
    String sha = "0".repeat(64);
    java.util.List<dev.mediaferry.file.FileEvent> events = java.util.List.of(
        new dev.mediaferry.file.FileEvent.Discovered(path, 100, 1, "/src"),
        new dev.mediaferry.file.FileEvent.TransferStarted(1, "file:", "d/" + path, "t"),
        new dev.mediaferry.file.FileEvent.Verified("d/" + path, sha, 100, 100, 1),
        new dev.mediaferry.file.FileEvent.DeleteScheduled(at),
        new dev.mediaferry.file.FileEvent.DeleteRechecked(true, dev.mediaferry.file.RecheckOutcome.OK,
            sha, "ok"),
        new dev.mediaferry.file.FileEvent.SourceDeleted("trash", "/t/" + path));
    java.util.List<dev.mediaferry.journal.FileIndex.Change> changes = new java.util.ArrayList<>();
    for (int seq = 0; seq < events.size(); seq++) {
      changes.add(new dev.mediaferry.journal.FileIndex.Change(id, seq + 1, at, events.get(seq)));
    }
    return changes;
  }
}
