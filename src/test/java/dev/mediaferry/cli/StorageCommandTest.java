package dev.mediaferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mediaferry.config.Settings;
import dev.mediaferry.daemon.Daemon;
import dev.mediaferry.journal.JournalDatabase;
import dev.mediaferry.targets.LocalTarget;
import dev.mediaferry.testing.Cli;
import dev.mediaferry.testing.TestFiles;
import dev.mediaferry.testing.TestSettings;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StorageCommandTest {
  @TempDir Path root;

  @Test
  void storageShowsSpaceReserveWaitingBytesAndAnEstimateFromTheIngest() throws Exception {
    Settings settings = TestSettings.under(root.resolve("home"), Map.of("mediaferry.delete.after-sync", false));
    TestFiles.write(settings.source().dir().resolve("done.mp4"), 3_000_000, 1);
    JournalDatabase.ensureSchema(settings.journalFile());
    Daemon daemon = Daemon.start(settings, new LocalTarget(TestSettings.nas(settings)), true);
    assertEquals(1, daemon.summary().get(60, TimeUnit.SECONDS).verified());
    daemon.stop().get(60, TimeUnit.SECONDS);
    TestFiles.write(settings.source().dir().resolve("new.mp4"), 2_000_000, 2);
    String config = Cli.configFile(root, "mediaferry.home = \"" + root.resolve("home") + "\"\n"
        + "mediaferry.storage.min-free = \"5%\"\n");

    Cli.Result storage = Cli.run(root, "storage", "--config", config);

    assertEquals(0, storage.exitCode(), storage.stderr());
    assertTrue(storage.stdout().contains("(mediaferry.storage.min-free = 5.0%)"), storage.stdout());
    assertTrue(storage.stdout().contains("waiting:  1 files, 1.9 MiB"), storage.stdout());
    assertTrue(storage.stdout().contains("ingest:   2.9 MiB verified in the last 30 days"), storage.stdout());
    assertTrue(storage.stdout().contains("estimate: the target reaches its reserve in about"), storage.stdout());
  }

  @Test
  void cleanupDryRunListsTheOldestDeliveredFilesOutsideKeepDaysAndRemovesNothing() throws Exception {
    Settings settings = TestSettings.under(root.resolve("home"), Map.of());
    dev.mediaferry.testing.SyntheticJournal.write(settings, 100); // delivered evenly over the past year
    String config = Cli.configFile(root, "mediaferry.home = \"" + root.resolve("home") + "\"\n"
        + "mediaferry.storage.min-free = \"99%\"\n"
        + "mediaferry.storage.retention { enabled = true, keep-days = 183 }\n");
    long eventsBefore = dev.mediaferry.testing.JournalContents.read(settings).values().stream()
        .mapToLong(java.util.List::size).sum();

    Cli.Result plan = Cli.run(root, "storage", "cleanup", "--dry-run", "--config", config);
    Cli.Result refused = Cli.run(root, "storage", "cleanup", "--config", config);

    assertEquals(0, plan.exitCode(), plan.stderr());
    long lines = plan.stdout().lines().filter(l -> l.startsWith("would remove")).count();
    assertTrue(lines >= 48 && lines <= 51, "the half older than keep-days: " + lines + "\n" + plan.stdout());
    assertTrue(plan.stdout().lines().filter(l -> l.startsWith("would remove")).findFirst().orElseThrow()
        .contains("DJI_0.MP4"), "oldest first");
    assertEquals(2, refused.exitCode(), "without --dry-run it refuses (removal runs in the daemon)");
    assertEquals(eventsBefore, dev.mediaferry.testing.JournalContents.read(settings).values().stream()
        .mapToLong(java.util.List::size).sum(), "the dry run journals nothing");
  }
}
