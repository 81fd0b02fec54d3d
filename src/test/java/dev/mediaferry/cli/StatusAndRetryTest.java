package dev.mediaferry.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mediaferry.config.Settings;
import dev.mediaferry.daemon.Daemon;
import dev.mediaferry.daemon.InstanceLock;
import dev.mediaferry.file.FileEvent;
import dev.mediaferry.file.FileState.Status;
import dev.mediaferry.journal.FileIndex;
import dev.mediaferry.journal.JournalDatabase;
import dev.mediaferry.targets.LocalTarget;
import dev.mediaferry.testing.Cli;
import dev.mediaferry.testing.FaultyTarget;
import dev.mediaferry.testing.JournalContents;
import dev.mediaferry.testing.TestFiles;
import dev.mediaferry.testing.TestSettings;
import dev.mediaferry.transfer.RunSummary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `mediaferry status` and `mediaferry retry` as an operator runs them, with and without a daemon. */
class StatusAndRetryTest {
  @TempDir Path root;

  private Settings settings() {
    return TestSettings.under(root, Map.of("mediaferry.transfer.max-concurrent", 1));
  }

  private Cli.Result cli(String... args) throws Exception {
    Path dir = Files.createDirectories(root.resolve("cli-" + System.nanoTime()));
    String conf = Cli.configFile(dir, "mediaferry { home = \"" + root + "\", delete.delay = 0s }\n");
    String[] all = new String[args.length + 2];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--config";
    all[args.length + 1] = conf;
    return Cli.run(dir, all);
  }

  /** A file the target refuses for good ends QUARANTINED (the others of the run are verified). */
  private static FaultyTarget refusing(Settings settings, String pathPart) {
    return new FaultyTarget(new LocalTarget(TestSettings.nas(settings))).failPermanentlyFor(pathPart);
  }

  @Test
  void withoutADaemonStatusSaysSoAndRetryJournalsTheReleaseForTheNextStart() throws Exception {
    Settings settings = settings();
    Path bad = TestFiles.write(settings.source().dir().resolve("flight/bad.bin"), 4096, 1);
    TestFiles.write(settings.source().dir().resolve("flight/good.bin"), 4096, 2);
    JournalDatabase.ensureSchema(settings.journalFile());
    RunSummary first = runOnce(settings, refusing(settings, "bad"));
    assertEquals(1, first.failed());

    Cli.Result status = cli("status");
    assertEquals(1, status.exitCode(), status.stdout() + status.stderr());
    assertTrue(status.stdout().contains("no daemon answers"), status.stdout());
    assertTrue(status.stdout().matches("(?s).*QUARANTINED\\s+1\\b.*"), status.stdout());

    Cli.Result retry = cli("retry", bad.toString(), "--reason", "NAS permissions fixed");
    assertEquals(0, retry.exitCode(), retry.stdout() + retry.stderr());
    assertTrue(retry.stdout().contains("released      flight/bad.bin"), retry.stdout());
    FileEvent.Released released = JournalContents.read(settings).values().stream().flatMap(List::stream)
        .filter(e -> e instanceof FileEvent.Released).map(e -> (FileEvent.Released) e).findFirst().orElseThrow();
    assertEquals("NAS permissions fixed", released.reason());
    assertEquals(Status.QUARANTINED, released.previous());
    assertEquals(System.getProperty("user.name"), released.by());

    Cli.Result again = cli("retry", "flight/bad.bin", "flight/good.bin", "flight/none.bin");
    assertEquals(1, again.exitCode(), "nothing left to release, and one unknown name");
    assertTrue(again.stdout().contains("NOT released  flight/good.bin: it is DELETED"), again.stdout());
    assertTrue(again.stdout().contains("NOT released  flight/none.bin: the journal knows no file"), again.stdout());

    RunSummary second = runOnce(settings, new LocalTarget(TestSettings.nas(settings)));
    assertEquals(1, second.verified(), "the released file is taken at the next start and completes");
    assertEquals(0, quarantined(settings));
    Cli.Result audit = cli("audit", "--verify");
    assertEquals(0, audit.exitCode(), "a release is a legal step of a file's life: " + audit.stdout());
  }

  @Test
  void withADaemonStatusShowsItAndRetryReleasesTheFileWhichThenCompletes() throws Exception {
    Settings settings = settings();
    TestFiles.write(settings.source().dir().resolve("bad.bin"), 4096, 1);
    FaultyTarget target = refusing(settings, "bad");
    JournalDatabase.ensureSchema(settings.journalFile());
    try (InstanceLock lock = InstanceLock.acquire(settings.lockFile())) {
      Daemon daemon = Daemon.start(settings, target, false);
      try {
        await().atMost(Duration.ofSeconds(60)).until(() -> quarantined(settings) == 1);
        Cli.Result status = cli("status");
        assertEquals(0, status.exitCode(), status.stdout() + status.stderr());
        assertTrue(status.stdout().contains("WARNING"), status.stdout());
        assertTrue(status.stdout().contains("1 files quarantined"), status.stdout());
        assertTrue(status.stdout().contains("bad.bin  PERMANENT: injected permission denied"), status.stdout());
        JsonNode json = new ObjectMapper().readTree(cli("status", "--json").stdout());
        assertEquals("warning", json.at("/health/status").asText());

        target.failPermanentlyFor("\0nothing"); // the operator fixed the NAS
        Cli.Result retry = cli("retry", "--all-quarantined", "--reason", "share remounted");
        assertEquals(0, retry.exitCode(), retry.stdout() + retry.stderr());
        assertTrue(retry.stdout().contains("released      bad.bin: released; it was QUARANTINED"), retry.stdout());

        await().atMost(Duration.ofSeconds(60)).until(() -> deleted(settings) == 1);
        assertEquals(0, quarantined(settings));
        Cli.Result healthy = cli("status");
        assertTrue(healthy.stdout().contains("HEALTHY"), healthy.stdout());
      } finally {
        daemon.stop().get(60, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void retryNeedsFilesOrAllQuarantined() throws Exception {
    Cli.Result result = cli("retry");
    assertEquals(2, result.exitCode());
    assertTrue(result.stderr().contains("--all-quarantined"), result.stderr());
  }

  private static RunSummary runOnce(Settings settings, dev.mediaferry.targets.Target target) throws Exception {
    Daemon daemon = Daemon.start(settings, target, true);
    try {
      return daemon.summary().get(JournalContents.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } finally {
      daemon.stop().get(60, TimeUnit.SECONDS);
    }
  }

  private static long quarantined(Settings settings) throws Exception {
    try (FileIndex index = FileIndex.open(settings.journalFile())) {
      return index.byStatus(Status.QUARANTINED).size();
    }
  }

  private static long deleted(Settings settings) throws Exception {
    try (FileIndex index = FileIndex.open(settings.journalFile())) {
      return index.byStatus(Status.DELETED).size();
    }
  }
}
