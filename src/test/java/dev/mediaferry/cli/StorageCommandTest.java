package dev.mediaferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mediaferry.config.Settings;
import dev.mediaferry.daemon.Daemon;
import dev.mediaferry.journal.JournalDatabase;
import dev.mediaferry.target.LocalTarget;
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
}
