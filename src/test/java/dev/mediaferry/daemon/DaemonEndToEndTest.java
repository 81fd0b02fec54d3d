package dev.mediaferry.daemon;

import static dev.mediaferry.testing.JournalContents.count;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.mediaferry.config.Settings;
import dev.mediaferry.file.FileEvent;
import dev.mediaferry.file.FileState;
import dev.mediaferry.journal.FileIndex;
import dev.mediaferry.journal.JournalDatabase;
import dev.mediaferry.targets.LocalTarget;
import dev.mediaferry.targets.RemoteLayout;
import dev.mediaferry.targets.Target;
import dev.mediaferry.testing.Cli;
import dev.mediaferry.testing.FaultyTarget;
import dev.mediaferry.testing.JournalContents;
import dev.mediaferry.testing.JournalWriter;
import dev.mediaferry.testing.TestFiles;
import dev.mediaferry.testing.TestSettings;
import dev.mediaferry.transfer.FileTransfer;
import dev.mediaferry.transfer.RunSummary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The daemon end to end: a real actor system, a real SQLite journal, a real local target. */
class DaemonEndToEndTest {
  @TempDir Path root;

  /** One --once run in this JVM; the other daemon tests of this package use it too. */
  static RunSummary runOnce(Settings settings, Target target) throws Exception {
    JournalDatabase.ensureSchema(settings.journalFile());
    Daemon daemon = Daemon.start(settings, target, true);
    try {
      return daemon.summary().get(JournalContents.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } finally {
      daemon.stop().get(60, TimeUnit.SECONDS);
    }
  }

  private static Path expectedOnNas(Settings settings, String relativePath, Path source) throws Exception {
    String path = new RemoteLayout(settings.target().layout(), ZoneId.systemDefault())
        .finalPath(relativePath, Files.getLastModifiedTime(source).toMillis());
    return TestSettings.nas(settings).resolve(path);
  }

  @Test
  void fiftyFilesOfMixedSizesArriveVerifiedAndEverySourceGoesToTrash() throws Exception {
    Settings settings = TestSettings.under(root, Map.of("mediaferry.transfer.max-concurrent", 3));
    Map<String, String> shas = new HashMap<>();
    Map<String, Path> onNas = new HashMap<>();
    for (int i = 0; i < 50; i++) {
      long size = i < 12 ? 0 : i < 24 ? 1 : i < 49 ? 1 << 20 : 200L << 20;
      String rel = "flight-" + (i % 3) + "/IMG_" + i + ".bin";
      Path file = TestFiles.write(settings.source().dir().resolve(rel), size, i);
      shas.put(rel, TestFiles.sha256(file));
      onNas.put(rel, expectedOnNas(settings, rel, file));
    }

    RunSummary summary = runOnce(settings, new LocalTarget(TestSettings.nas(settings)));

    assertEquals(new RunSummary(50, 50, 50, 0, 25L * (1 << 20) + 12 + (200L << 20)), summary);
    Path trashDay = settings.delete().trashDir().resolve(LocalDate.now().toString());
    for (var entry : shas.entrySet()) {
      assertEquals(entry.getValue(), TestFiles.sha256(onNas.get(entry.getKey())), entry.getKey());
      assertEquals(entry.getValue(), TestFiles.sha256(trashDay.resolve(entry.getKey())), "trash " + entry.getKey());
    }
    assertTrue(TestFiles.listFiles(settings.source().dir()).isEmpty());
    assertEquals(50, TestFiles.listFiles(TestSettings.nas(settings)).size(), "no temp files left");
    Map<String, List<Object>> journal = JournalContents.read(settings);
    assertEquals(50, journal.size());
    for (List<Object> events : journal.values()) {
      assertEquals(1, count(events, FileEvent.Verified.class));
      assertEquals(1, count(events, FileEvent.SourceDeleted.class));
      int recheck = indexOf(events, FileEvent.DeleteRechecked.class);
      assertTrue(recheck >= 0 && ((FileEvent.DeleteRechecked) events.get(recheck)).ok());
      assertTrue(recheck < indexOf(events, FileEvent.SourceDeleted.class));
    }
  }

  private static int indexOf(List<Object> events, Class<?> type) {
    for (int i = 0; i < events.size(); i++) {
      if (type.isInstance(events.get(i))) {
        return i;
      }
    }
    return -1;
  }

  @Test
  void hostileFileNamesArriveIntact() throws Exception {
    Settings settings = TestSettings.under(root, Map.of());
    List<String> names = List.of("with space.mp4", "quote'single.jpg", "dq\"uote.jpg", "ünïcødé 航拍.mp4",
        "$(touch pwned).mp4", "-leading-dash.mp4", "--rf", "new\nline.jpg", "semi;colon.jpg", "back`tick`.jpg",
        "star*.jpg", "dir with space/and 'quote'/x.mp4");
    Map<String, String> shas = new HashMap<>();
    Map<String, Path> onNas = new HashMap<>();
    long seed = 1;
    for (String name : names) {
      Path file = TestFiles.write(settings.source().dir().resolve(name), 1000 + seed, seed++);
      shas.put(name, TestFiles.sha256(file));
      onNas.put(name, expectedOnNas(settings, name, file));
    }

    RunSummary summary = runOnce(settings, new LocalTarget(TestSettings.nas(settings)));

    assertEquals(names.size(), summary.verified());
    for (String name : names) {
      assertEquals(shas.get(name), TestFiles.sha256(onNas.get(name)), name);
    }
    assertTrue(TestFiles.listFiles(root).stream().noneMatch(p -> p.getFileName().toString().equals("pwned")));
  }

  /** Issue 8, item 12: a name that is not valid UTF-8 is reported once with the truth and counted as failed. */
  @Test
  void aNameThatIsNotValidUtf8IsReportedOnceAndCountedFailedNotRetried() throws Exception {
    Settings settings = TestSettings.under(root, Map.of());
    TestFiles.write(settings.source().dir().resolve("good.mp4"), 10_000, 1);
    Process touch = new ProcessBuilder("sh", "-c", "printf data > \"$(printf 'bad-\\377.mp4')\"")
        .directory(settings.source().dir().toFile()).start();
    assertEquals(0, touch.waitFor());
    ListAppender<ILoggingEvent> log = new ListAppender<>();
    log.start();
    Logger alerts = (Logger) LoggerFactory.getLogger("mediaferry.alerts");
    alerts.addAppender(log);
    RunSummary summary;
    try {
      summary = runOnce(settings, new LocalTarget(TestSettings.nas(settings)));
    } finally {
      alerts.detachAppender(log);
    }

    assertEquals(1, summary.verified(), summary.toString());
    assertEquals(1, summary.failed(), "the badly named file counts as failed: " + summary);
    assertEquals(1, log.list.stream().filter(e -> e.getFormattedMessage().contains("not valid UTF-8: rename it"))
        .count(), "reported once: " + log.list);
    assertEquals(1, JournalContents.read(settings).size(), "nothing journaled for it, no retry loop");
  }

  /** Issue 8, item 5: `cp -p`, or a camera with an unset clock, makes a new file with a finished file's id. */
  @Test
  void aNewFileWithTheIdOfADeletedOneIsOffloadedAsANewGeneration() throws Exception {
    Settings settings = TestSettings.under(root, Map.of());
    Path clip = settings.source().dir().resolve("DCIM/clip.mp4");
    TestFiles.write(clip, 50_000, 1);
    java.nio.file.attribute.FileTime mtime = Files.getLastModifiedTime(clip);
    RunSummary first = runOnce(settings, new LocalTarget(TestSettings.nas(settings)));
    assertEquals(1, first.deleted(), first.toString());

    TestFiles.write(clip, 50_000, 2); // other content, same path, size and mtime
    Files.setLastModifiedTime(clip, mtime);
    String secondSha = TestFiles.sha256(clip);
    RunSummary second = runOnce(settings, new LocalTarget(TestSettings.nas(settings)));

    assertEquals(1, second.verified(), "the new file is not left at rest: " + second);
    assertEquals(1, second.deleted(), second.toString());
    List<Object> events = JournalContents.read(settings).values().iterator().next();
    assertEquals(1, count(events, FileEvent.Rediscovered.class), events.toString());
    assertEquals(2, count(events, FileEvent.SourceDeleted.class), events.toString());
    FileEvent.Verified secondCopy = (FileEvent.Verified) events.stream()
        .filter(e -> e instanceof FileEvent.Verified).reduce((a, b) -> b).orElseThrow();
    assertEquals(secondSha, secondCopy.sha256());
    assertTrue(secondCopy.remotePath().contains("~1"), "the first copy is not overwritten: " + secondCopy);
    Cli.Result verify = Cli.run(root, "audit", "--verify", "--config",
        Cli.configFile(root, "mediaferry.home = \"" + root + "\"\nmediaferry.delete.delay = 0s\n"));
    assertEquals(0, verify.exitCode(), verify.stdout());
  }

  @Test
  void stoppedMidTransferEveryFileEndsVerifiedExactlyOnceAfterRestart() throws Exception {
    Settings settings = TestSettings.under(root, Map.of("mediaferry.delete.after-sync", false,
        "mediaferry.shutdown.grace", "100ms"));
    for (int i = 0; i < 6; i++) {
      TestFiles.write(settings.source().dir().resolve("clip-" + i + ".mp4"), 2 << 20, i);
    }
    JournalDatabase.ensureSchema(settings.journalFile());
    FaultyTarget stalled = new FaultyTarget(new LocalTarget(TestSettings.nas(settings)));
    stalled.blockUploads();
    Daemon first = Daemon.start(settings, stalled, false);
    await().atMost(Duration.ofSeconds(30)).until(() -> stalled.uploadsStarted.get() == 2);
    first.stop().get(60, TimeUnit.SECONDS);
    Map<String, List<Object>> midway = JournalContents.read(settings);
    assertEquals(2, midway.values().stream().filter(e -> e.get(e.size() - 1) instanceof FileEvent.TransferStarted)
        .count(), "two files were stopped mid-transfer: " + midway);

    RunSummary summary = runOnce(settings, new LocalTarget(TestSettings.nas(settings)));

    assertEquals(6, summary.verified());
    Map<String, List<Object>> journal = JournalContents.read(settings);
    assertEquals(6, journal.size());
    journal.values().forEach(events -> assertEquals(1, count(events, FileEvent.Verified.class), events.toString()));
    List<Path> onNas = TestFiles.listFiles(TestSettings.nas(settings));
    assertEquals(6, onNas.size(), "no temp files, no duplicates: " + onNas);
    assertFalse(onNas.stream().anyMatch(p -> RemoteLayout.isTempName(p.getFileName().toString())));
  }

  @Test
  void restartReadsTheFileIndexInsteadOfReplayingFilesAtRest() throws Exception {
    Settings settings = TestSettings.under(root, Map.of("mediaferry.delete.after-sync", false));
    for (int i = 0; i < 20; i++) {
      TestFiles.write(settings.source().dir().resolve("keep-" + i + ".jpg"), 1000, i);
    }
    assertEquals(20, runOnce(settings, new LocalTarget(TestSettings.nas(settings))).verified());
    long eventsAfterFirstRun = JournalContents.read(settings).values().stream().mapToLong(List::size).sum();
    FaultyTarget counting = new FaultyTarget(new LocalTarget(TestSettings.nas(settings)));

    RunSummary second = runOnce(settings, counting);

    assertEquals(0, second.files(), "files at rest are not taken again");
    assertEquals(0, counting.uploadsStarted.get());
    assertEquals(eventsAfterFirstRun,
        JournalContents.read(settings).values().stream().mapToLong(List::size).sum(), "no entity was woken");
    try (FileIndex index = FileIndex.open(settings.journalFile())) {
      assertEquals(Map.of(FileState.Status.VERIFIED, 20L), index.counts());
    }
  }

  /**
   * Found by the chaos run: a big file's upload was cut by a kill (its temp kept for resuming),
   * and the source changed before the restart. The scan lists it under a new id, so the cut
   * attempt was never taken up again: it stayed "transferring" in the journal and its temp file
   * stayed on the NAS for good. Now the restart takes it up, ends it superseded and removes the temp.
   */
  @Test
  void anAttemptCutByAKillWhoseSourceThenChangedEndsSupersededAndLeavesNoTemp() throws Exception {
    Settings settings = TestSettings.under(root, Map.of("mediaferry.delete.after-sync", false,
        "mediaferry.target.layout", "{path}", "mediaferry.transfer.resume-min-size", "1MiB"));
    Path nas = TestSettings.nas(settings);
    Path source = TestFiles.write(settings.source().dir().resolve("a.mp4"), 2_000_000, 1);
    String cutId = "cut-by-a-kill-0001";
    String temp = RemoteLayout.tempPath("a.mp4", cutId);
    try (JournalWriter journal = new JournalWriter(settings)) {
      journal.append(cutId,
          new FileEvent.Discovered("a.mp4", 2_000_000, Files.getLastModifiedTime(source).toMillis(),
              settings.source().dir().toString()),
          new FileEvent.TransferStarted(1, "nas", "a.mp4", temp));
    }
    Files.createDirectories(nas);
    Files.write(nas.resolve(temp), java.util.Arrays.copyOf(Files.readAllBytes(source), 1_200_000));
    Files.write(source, new byte[100_000], java.nio.file.StandardOpenOption.APPEND); // changed while we were down

    assertEquals(1, runOnce(settings, new LocalTarget(nas)).verified(), "the changed file arrives as a new one");

    assertFalse(Files.exists(nas.resolve(temp)), "the cut attempt's temp file is removed");
    assertEquals(TestFiles.sha256(source), TestFiles.sha256(nas.resolve("a.mp4")));
    List<Object> cut = JournalContents.read(settings).get(cutId);
    assertTrue(cut.stream().anyMatch(e -> e instanceof FileEvent.TransferFailed f
        && f.kind() == dev.mediaferry.file.ErrorKind.SOURCE_CHANGED && f.retryAtMillis() == null), cut.toString());
  }

  /**
   * A copy fails because its source changed, and the NAS stops answering before the copy's
   * cleanup: its temp file outlasts the cleanup's tries, and nothing comes back for the ended
   * generation. The leftover sweep removes it once the NAS is back, and nothing else.
   */
  @Test
  void aTempLeftByAnUploadThatEndedWhileTheNasWasUnreachableIsSweptWhenItIsBack() throws Exception {
    Settings settings = TestSettings.under(root, Map.of("mediaferry.delete.after-sync", false,
        "mediaferry.target.layout", "{path}"));
    Path nas = TestSettings.nas(settings);
    Path source = TestFiles.write(settings.source().dir().resolve("b.mp4"), 1_000_000, 2);
    String firstId = dev.mediaferry.file.FileInfo.of("b.mp4", 1_000_000,
        Files.getLastModifiedTime(source).toMillis()).fileId();
    java.util.concurrent.atomic.AtomicBoolean nasDown = new java.util.concurrent.atomic.AtomicBoolean();
    FaultyTarget faulty = new FaultyTarget(new LocalTarget(nas));
    faulty.duringNextUpload = () -> {
      try { // the dock still writing: this generation ends superseded
        Files.write(source, new byte[50_000], java.nio.file.StandardOpenOption.APPEND);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      nasDown.set(true); // and the NAS goes away before the failed copy removes its temp file
    };
    Target flaky = new dev.mediaferry.targets.ForwardingTarget(faulty) {
      @Override
      public void delete(String path) throws dev.mediaferry.targets.TargetException {
        if (nasDown.get()) {
          throw new dev.mediaferry.targets.TargetException(dev.mediaferry.file.ErrorKind.TRANSIENT,
              "connection refused");
        }
        real.delete(path);
      }
    };

    runOnce(settings, flaky);

    Path temp = nas.resolve(RemoteLayout.tempPath("b.mp4", firstId));
    assertTrue(Files.exists(temp), "precondition: the unreachable NAS kept the failed copy's temp file");
    List<Path> before = TestFiles.listFiles(nas);
    nasDown.set(false);
    try (FileIndex index = FileIndex.open(settings.journalFile())) {
      assertEquals(FileState.Status.SUPERSEDED, index.get(firstId).orElseThrow().state().status());
      var swept = new dev.mediaferry.storage.LeftoverTemps(new LocalTarget(nas), index,
          new RemoteLayout("{path}", ZoneId.systemDefault())).sweep(java.time.Instant.now().plus(Duration.ofHours(1)));
      assertEquals(List.of(RemoteLayout.tempPath("b.mp4", firstId)), swept.removed());
    }
    assertFalse(Files.exists(temp));
    List<Path> after = new java.util.ArrayList<>(before);
    after.remove(temp);
    assertEquals(after, TestFiles.listFiles(nas), "only the leftover went");
  }
}
