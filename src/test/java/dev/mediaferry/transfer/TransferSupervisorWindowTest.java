package dev.mediaferry.transfer;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mediaferry.config.Settings;
import dev.mediaferry.deletion.Trash;
import dev.mediaferry.file.FileInfo;
import dev.mediaferry.journal.FileIndex;
import dev.mediaferry.journal.JournalDatabase;
import dev.mediaferry.observe.AlertManager;
import dev.mediaferry.targets.LocalTarget;
import dev.mediaferry.targets.RemoteLayout;
import dev.mediaferry.testing.FaultyTarget;
import dev.mediaferry.testing.ManualClock;
import dev.mediaferry.testing.TestFiles;
import dev.mediaferry.testing.TestKits;
import dev.mediaferry.testing.TestSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A transfer window with bandwidth 0 holds files back between files, the queue says why, and
 * the supervisor's own timer starts them when the window closes (ManualTime, manual clock).
 */
@ExtendWith(LogCapturingExtension.class)
class TransferSupervisorWindowTest {
  static final ActorTestKit testKit = ActorTestKit.create(ManualTime.config()
      .withFallback(TestKits.inMemoryJournal()));
  static final ManualTime time = ManualTime.get(testKit.system());

  @TempDir Path root;

  @AfterAll
  static void tearDown() {
    testKit.shutdownTestKit();
  }

  @Test
  void aClosedWindowHoldsFilesBackAndTheyStartWhenItEnds() throws Exception {
    ManualClock clock = new ManualClock(Instant.parse("2026-11-23T10:00:00Z"));
    LocalTime now = LocalTime.ofInstant(clock.instant(), ZoneId.systemDefault());
    DateTimeFormatter hhmm = DateTimeFormatter.ofPattern("HH:mm");
    Settings settings = TestSettings.under(root, Map.of("mediaferry.transfer.windows", List.of(Map.of(
        "from", now.minusMinutes(1).format(hhmm), "to", now.plusMinutes(30).format(hhmm), "bandwidth", "0"))));
    Path source = TestFiles.write(settings.source().dir().resolve("clip.mp4"), 4096, 1);
    FileInfo file = FileInfo.of("clip.mp4", 4096, Files.getLastModifiedTime(source).toMillis());
    FaultyTarget target = new FaultyTarget(new LocalTarget(TestSettings.nas(settings)));
    JournalDatabase.ensureSchema(settings.journalFile());
    try (FileIndex index = FileIndex.open(settings.journalFile())) {
      TransferSetup setup = new TransferSetup(settings.source().dir(), target,
          new RemoteLayout(settings.target().layout(), ZoneId.systemDefault()),
          new RetryPolicy(Duration.ofSeconds(5), Duration.ofMinutes(5), 3), false, Duration.ofHours(1),
          new Trash(settings.delete().trashDir(), ZoneId.systemDefault()), Executors.newCachedThreadPool(),
          new ShutdownSignal(), clock);
      ActorRef<TransferSupervisor.Command> supervisor = testKit.spawn(TransferSupervisor.create(setup, settings,
          index, testKit.<AlertManager.Command>createTestProbe().ref()));
      supervisor.tell(new TransferSupervisor.TargetSpace(null));
      supervisor.tell(new TransferSupervisor.FilesFound(List.of(file)));

      TestProbe<TransferSupervisor.Queue> queue = testKit.createTestProbe();
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        supervisor.tell(new TransferSupervisor.GetQueue(5, queue.ref()));
        TransferSupervisor.Queue q = queue.receiveMessage();
        assertEquals(1, q.queued());
        assertTrue(String.valueOf(q.heldBackBecause()).startsWith("transfers paused by mediaferry.transfer.windows"),
            q.heldBackBecause());
      });
      assertEquals(0, target.uploadsStarted.get());

      clock.advance(Duration.ofMinutes(29));
      time.timePasses(Duration.ofMinutes(29));
      supervisor.tell(new TransferSupervisor.GetQueue(5, queue.ref()));
      assertEquals(1, queue.receiveMessage().queued(), "still inside the window");
      assertEquals(0, target.uploadsStarted.get());

      // the window ended at 10:30; the supervisor's timer is due a second later. Only just past
      // it: the file's entity, spawned while timePasses still runs, schedules its 30 s recovery
      // timeout on the same manual scheduler, and a longer step fired that too (a failed CI run)
      clock.advance(Duration.ofSeconds(62));
      time.timePasses(Duration.ofSeconds(62));
      await().atMost(Duration.ofSeconds(10)).until(() -> target.uploads.get() == 1);
      supervisor.tell(new TransferSupervisor.GetQueue(5, queue.ref()));
      assertNull(queue.receiveMessage().heldBackBecause());
    }
  }
}
