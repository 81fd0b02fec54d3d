package dev.mediaferry.transfer;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mediaferry.config.Settings;
import dev.mediaferry.file.FileInfo;
import dev.mediaferry.journal.FileIndex;
import dev.mediaferry.journal.JournalDatabase;
import dev.mediaferry.observe.AlertManager;
import dev.mediaferry.targets.LocalTarget;
import dev.mediaferry.targets.Space;
import dev.mediaferry.testing.FaultyTarget;
import dev.mediaferry.testing.TestFiles;
import dev.mediaferry.testing.TestKits;
import dev.mediaferry.testing.TestSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The supervisor holds transfers back at the target's reserve, with four in flight and free
 * slots left (space, not concurrency, is the limit), and resumes on a new measurement.
 */
@ExtendWith(LogCapturingExtension.class)
class TransferSupervisorSpaceTest {
  static final long MB = 1 << 20;
  static final ActorTestKit testKit = ActorTestKit.create(TestKits.inMemoryJournal());

  @TempDir Path root;

  @AfterAll
  static void tearDown() {
    testKit.shutdownTestKit();
  }

  @Test
  void noTransferCrossesTheReserveWithFourInFlightAndAMeasurementResumesThem() throws Exception {
    Settings settings = TestSettings.under(root, Map.of("mediaferry.transfer.max-concurrent", 6,
        "mediaferry.storage.min-free", "10MiB", "mediaferry.delete.after-sync", false));
    List<FileInfo> files = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      Path file = TestFiles.write(settings.source().dir().resolve("clip-" + i + ".mp4"), MB, i);
      files.add(FileInfo.of("clip-" + i + ".mp4", MB, Files.getLastModifiedTime(file).toMillis() + i));
      Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(files.get(i).mtimeMillis()));
    }
    FaultyTarget target = new FaultyTarget(new LocalTarget(TestSettings.nas(settings)));
    CountDownLatch gate = target.blockUploads();
    JournalDatabase.ensureSchema(settings.journalFile());
    TestProbe<AlertManager.Command> alerts = testKit.createTestProbe();
    try (FileIndex index = FileIndex.open(settings.journalFile())) {
      TransferSetup setup = TransferSetup.from(settings, target, Executors.newCachedThreadPool(), new ShutdownSignal());
      ActorRef<TransferSupervisor.Command> supervisor =
          testKit.spawn(TransferSupervisor.create(setup, settings, index, alerts.ref()));

      // 12.5 MiB free, 10 MiB reserve: room for two 1 MiB files
      supervisor.tell(new TransferSupervisor.TargetSpace(new Space(12 * MB + MB / 2, 100 * MB)));
      supervisor.tell(new TransferSupervisor.FilesFound(files));
      AlertManager.Raise paused = alerts.expectMessageClass(AlertManager.Raise.class, Duration.ofSeconds(10));
      assertEquals("target-space", paused.key());
      assertTrue(paused.message().contains("mediaferry.storage.min-free"), paused.message());
      await().atMost(Duration.ofSeconds(10)).until(() -> target.uploadsStarted.get() == 2);

      // 2 MiB more measured: two more start (four in flight, slots for six), the fifth would cross the reserve
      supervisor.tell(new TransferSupervisor.TargetSpace(new Space(14 * MB + MB / 2, 100 * MB)));
      assertEquals("target-space", alerts.expectMessageClass(AlertManager.Clear.class).key());
      assertEquals("target-space", alerts.expectMessageClass(AlertManager.Raise.class).key());
      await().atMost(Duration.ofSeconds(10)).until(() -> target.uploadsStarted.get() == 4);

      // plenty of room: the rest go as slots free
      supervisor.tell(new TransferSupervisor.TargetSpace(new Space(1000 * MB, 2000 * MB)));
      assertEquals("target-space", alerts.expectMessageClass(AlertManager.Clear.class).key());
      gate.countDown();
      await().atMost(Duration.ofSeconds(30)).until(() -> target.uploads.get() == 8);
      assertEquals(8, target.uploadsStarted.get(), "each file uploaded once");
    }
  }
}
