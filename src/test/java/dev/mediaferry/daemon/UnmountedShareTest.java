package dev.mediaferry.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.mediaferry.config.Settings;
import dev.mediaferry.file.ErrorKind;
import dev.mediaferry.file.FileEvent;
import dev.mediaferry.journal.JournalDatabase;
import dev.mediaferry.targets.LocalTarget;
import dev.mediaferry.targets.TargetIdentity;
import dev.mediaferry.testing.Cli;
import dev.mediaferry.testing.JournalContents;
import dev.mediaferry.testing.JournalWriter;
import dev.mediaferry.testing.TestFiles;
import dev.mediaferry.testing.TestSettings;
import dev.mediaferry.transfer.RunSummary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Issue 8, item 9: a NAS share that is not mounted leaves its empty mount point on the
 * dock's own disk. The daemon finds its identity marker missing there: nothing is written,
 * no local copy is deleted, a `target-identity` alert is raised, and `target init` accepts
 * a new target deliberately.
 */
class UnmountedShareTest {
  @TempDir Path root;

  private RunSummary runOnce(Settings settings) throws Exception {
    JournalDatabase.ensureSchema(settings.journalFile());
    Daemon daemon = Daemon.start(settings, new LocalTarget(TestSettings.nas(settings)), true);
    try {
      return daemon.summary().get(JournalContents.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } finally {
      daemon.stop().get(60, TimeUnit.SECONDS);
    }
  }

  @Test
  void anUnmountedShareGetsNothingWrittenAndAnAlertAndTransfersResumeOnceMounted() throws Exception {
    Settings settings = TestSettings.under(root, Map.of("mediaferry.delete.delay", "1h"));
    Path nas = TestSettings.nas(settings);
    TestFiles.write(settings.source().dir().resolve("a.mp4"), 10_000, 1);
    assertEquals(1, runOnce(settings).verified());
    List<String> marker = Files.list(nas).map(p -> p.getFileName().toString()).filter(TargetIdentity::isMarker).toList();
    assertEquals(1, marker.size(), "first use writes the marker");

    Files.move(nas, root.resolve("share-while-unmounted")); // umount: the empty mount point stays
    Files.createDirectories(nas);
    Path b = TestFiles.write(settings.source().dir().resolve("b.mp4"), 10_000, 2);
    ListAppender<ILoggingEvent> alerts = listen();
    RunSummary unmounted;
    try {
      unmounted = runOnce(settings);
    } finally {
      ((Logger) LoggerFactory.getLogger("mediaferry.alerts")).detachAppender(alerts);
    }

    assertEquals(List.of(), TestFiles.listFiles(nas), "nothing written on the dock's own disk");
    assertEquals(0, unmounted.verified());
    assertEquals(1, unmounted.failed(), "b is reported as not transferred: " + unmounted);
    assertTrue(Files.exists(settings.source().dir().resolve("a.mp4")));
    assertTrue(Files.exists(b));
    assertTrue(alerts.list.stream().anyMatch(e -> e.getFormattedMessage().contains("target-identity")
        && e.getFormattedMessage().contains("target init")), "alert: " + alerts.list);

    Files.delete(nas); // mounted again: both go on
    Files.move(root.resolve("share-while-unmounted"), nas);
    RunSummary mounted = runOnce(settings);
    assertEquals(1, mounted.verified(), mounted.toString());
  }

  @Test
  void targetInitAcceptsANewEmptyTargetDeliberately() throws Exception {
    Settings settings = TestSettings.under(root, Map.of("mediaferry.delete.after-sync", false));
    deliverAThenEmptyTheTarget(settings, "old-nas"); // the operator moves to a new, empty NAS
    assertEquals(0, runOnce(settings).verified(), "not before the operator says so");

    String config = Cli.configFile(root, "mediaferry.home = \"" + root + "\"\n");
    Cli.Result init = Cli.run(root, "target", "init", "--config", config);

    assertEquals(0, init.exitCode(), init.stderr());
    assertTrue(init.stdout().contains(".mediaferry-target-"), init.stdout());
    assertTrue(init.stdout().contains("(was "), "names the marker it replaces: " + init.stdout());
    RunSummary after = runOnce(settings);
    assertEquals(1, after.verified(), after.toString());
  }

  @Test
  void anEmptyTargetIsNotTakenForAFirstUseWhenTheJournalKnowsFiles() throws Exception {
    Settings settings = TestSettings.under(root, Map.of("mediaferry.delete.after-sync", false));
    Path nas = deliverAThenEmptyTheTarget(settings, "share-while-unmounted");
    // a journal from before markers existed: its record is gone, the share is not mounted
    try (var c = java.sql.DriverManager.getConnection(JournalDatabase.url(settings.journalFile()))) {
      c.createStatement().execute("DELETE FROM target_identity");
    }

    assertEquals(0, runOnce(settings).verified());
    assertEquals(List.of(), TestFiles.listFiles(nas), "no marker written on the empty mount point");
  }

  /**
   * Found by the chaos run: on a fresh install with files already waiting, the first files are
   * journaled (discovered, an attempt failed) before the target is first used. A journal that
   * knows files but never delivered one has nothing on any share to lose, so the empty target
   * is taken and marked, instead of being refused forever as an unmounted share.
   */
  @Test
  void aJournalThatNeverDeliveredAFileTakesAnEmptyTargetForItsFirstUse() throws Exception {
    Settings settings = TestSettings.under(root, Map.of("mediaferry.delete.after-sync", false));
    Path file = TestFiles.write(settings.source().dir().resolve("a.mp4"), 10_000, 1);
    try (JournalWriter journal = new JournalWriter(settings)) {
      journal.append("a-fresh-install",
          new FileEvent.Discovered("a.mp4", 10_000, Files.getLastModifiedTime(file).toMillis(), "scan"),
          new FileEvent.TransferStarted(1, "nas", "a.mp4", ".a.mp4.mftmp-a-fresh-ins"),
          new FileEvent.TransferFailed(1, ErrorKind.TRANSIENT, "connection refused", 0L));
    }

    // the journaled attempt is taken up at start, and the scan lists the file under its own id: the
    // second of the two finds the first's copy and counts it verified without sending it again
    assertTrue(runOnce(settings).verified() >= 1, "delivered, not refused as an unmounted share");
    assertTrue(TestFiles.listFiles(TestSettings.nas(settings)).size() == 1
        && Files.list(TestSettings.nas(settings)).anyMatch(p -> TargetIdentity.isMarker(p.getFileName().toString())),
        "the file and the target's marker are on the target");
  }

  /** a.mp4 delivered; then the target folder is moved away and an empty one takes its place; b.mp4 waits. */
  private Path deliverAThenEmptyTheTarget(Settings settings, String movedTo) throws Exception {
    Path nas = TestSettings.nas(settings);
    TestFiles.write(settings.source().dir().resolve("a.mp4"), 10_000, 1);
    assertEquals(1, runOnce(settings).verified());
    Files.move(nas, root.resolve(movedTo));
    Files.createDirectories(nas);
    TestFiles.write(settings.source().dir().resolve("b.mp4"), 10_000, 2);
    return nas;
  }

  private static ListAppender<ILoggingEvent> listen() {
    ListAppender<ILoggingEvent> alerts = new ListAppender<>();
    alerts.start();
    ((Logger) LoggerFactory.getLogger("mediaferry.alerts")).addAppender(alerts);
    return alerts;
  }
}
