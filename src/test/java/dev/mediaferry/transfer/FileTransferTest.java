package dev.mediaferry.transfer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mediaferry.config.Settings;
import dev.mediaferry.deletion.DeleteRecheck;
import dev.mediaferry.deletion.Trash;
import dev.mediaferry.file.ErrorKind;
import dev.mediaferry.file.FileEvent;
import dev.mediaferry.file.FileInfo;
import dev.mediaferry.file.FileState.Status;
import dev.mediaferry.file.RecheckOutcome;
import dev.mediaferry.targets.LocalTarget;
import dev.mediaferry.targets.RemoteLayout;
import dev.mediaferry.testing.FaultyTarget;
import dev.mediaferry.testing.ManualClock;
import dev.mediaferry.testing.TestFiles;
import dev.mediaferry.testing.TestKits;
import dev.mediaferry.testing.TestSettings;
import dev.mediaferry.transfer.FileTransfer.Report;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.apache.pekko.persistence.testkit.javadsl.SnapshotTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * FileTransfer's state machine on the in-memory persistence testkit journal (events are
 * serialized, so CBOR bindings are checked too), against a real local folder with faults
 * injected. "Restart" is a new incarnation recovering from the same journal, as in the daemon.
 */
@ExtendWith(LogCapturingExtension.class)
class FileTransferTest {
  static final ActorTestKit testKit = ActorTestKit.create(TestKits.inMemoryJournal());
  static final PersistenceTestKit journal = PersistenceTestKit.create(testKit.system());
  static final SnapshotTestKit snapshots = SnapshotTestKit.create(testKit.system());
  static final Executor blocking = Executors.newCachedThreadPool();

  @TempDir Path root;
  Settings settings;
  FaultyTarget target;
  ManualClock clock;
  TestProbe<Report> supervisor;

  @BeforeEach
  void setUp() {
    journal.clearAll();
    snapshots.clearAll();
    settings = TestSettings.under(root, Map.of("mediaferry.transfer.retry.max-attempts", 3));
    target = new FaultyTarget(new LocalTarget(TestSettings.nas(settings)));
    clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
    supervisor = testKit.createTestProbe();
  }

  @AfterAll
  static void tearDown() {
    testKit.shutdownTestKit();
  }

  private TransferSetup setup(boolean afterSync) {
    return setup(afterSync, Duration.ZERO);
  }

  private TransferSetup setup(boolean afterSync, Duration deleteDelay) {
    return new TransferSetup(settings.source().dir(), target,
        new RemoteLayout(settings.target().layout(), ZoneId.of("UTC")), new RetryPolicy(Duration.ofSeconds(5),
            Duration.ofMinutes(5), 3), afterSync, deleteDelay, new Trash(settings.delete().trashDir(), ZoneId.of("UTC")), blocking,
        new ShutdownSignal(), clock);
  }

  private FileInfo source(String name, long size) throws Exception {
    Path file = TestFiles.write(settings.source().dir().resolve(name), size, name.hashCode());
    return FileInfo.of(name, size, Files.getLastModifiedTime(file).toMillis());
  }

  private ActorRef<FileTransfer.Command> spawn(FileInfo file, boolean afterSync) {
    return testKit.spawn(FileTransfer.create(file, setup(afterSync), supervisor.ref()));
  }

  private Report transfer(FileInfo file) {
    spawn(file, true).tell(new FileTransfer.Transfer(file));
    return supervisor.receiveMessage(Duration.ofSeconds(10));
  }

  private List<Object> events(FileInfo file) {
    return journal.persistedInStorage(FileTransfer.persistenceId(file.fileId()).id());
  }

  /** A journal to recover from, starting with the file's Discovered event; the test appends the rest. */
  private static List<Object> discoveredHistory(FileInfo file) {
    List<Object> history = new java.util.ArrayList<>();
    history.add(new FileEvent.Discovered(file.relativePath(), file.size(), file.mtimeMillis(), "src"));
    return history;
  }

  private Path nas(String path) {
    return TestSettings.nas(settings).resolve(path);
  }

  private List<Path> tempFilesOnTarget() {
    return TestFiles.listFiles(TestSettings.nas(settings)).stream()
        .filter(p -> RemoteLayout.isTempName(p.getFileName().toString())).toList();
  }

  /**
   * The first attempt does not look for a temp file (nothing of the file was sent before).
   * One left anyway (an earlier generation of the same id) fails that attempt as transient;
   * the second removes it and completes.
   */
  @Test
  void aTempFileLeftBeforeTheFirstAttemptCostsOneRetryAndNothingElse() throws Exception {
    FileInfo file = source("DJI_0010.MP4", 300_000);
    String finalPath = new RemoteLayout(settings.target().layout(), ZoneId.of("UTC"))
        .finalPath(file.relativePath(), file.mtimeMillis());
    Path stale = nas(RemoteLayout.tempPath(finalPath, file.fileId()));
    Files.createDirectories(stale.getParent());
    Files.writeString(stale, "left by an earlier generation");

    Report first = transfer(file);
    assertEquals(Status.DISCOVERED, first.status(), first.message());
    assertEquals(ErrorKind.TRANSIENT, first.errorKind());
    clock.advance(Duration.ofMinutes(10));
    Report second = transfer(file);

    assertEquals(Status.PENDING_DELETE, second.status(), second.message());
    assertEquals(TestFiles.sha256(settings.source().dir().resolve("DJI_0010.MP4")),
        TestFiles.sha256(nas(finalPath)));
    assertTrue(tempFilesOnTarget().isEmpty());
  }

  @Test
  void aReleaseWhileTheFileIsBeingCopiedIsRefusedAndTheCopyCompletes() throws Exception {
    FileInfo file = source("DJI_0009.MP4", 300_000);
    java.util.concurrent.CountDownLatch nasAnswers = target.blockUploads();
    ActorRef<FileTransfer.Command> entity = spawn(file, false);
    entity.tell(new FileTransfer.Transfer(file));
    org.awaitility.Awaitility.await().until(() -> target.uploadsStarted.get() == 1);
    TestProbe<FileTransfer.ReleaseOutcome> operator = testKit.createTestProbe();

    entity.tell(new FileTransfer.Release("operator retry", "ops", operator.ref()));

    FileTransfer.ReleaseOutcome refused = operator.receiveMessage(Duration.ofSeconds(10));
    assertEquals(false, refused.released());
    assertEquals("it is being worked on", refused.message());
    nasAnswers.countDown();
    assertEquals(Status.VERIFIED, supervisor.receiveMessage(Duration.ofSeconds(10)).status(),
        "the copy under way was not cut short by the refused release");
  }

  @Test
  void verifiedFileIsJournaledAndScheduledForDelete() throws Exception {
    FileInfo file = source("DJI_0001.MP4", 3_000_000);

    Report report = transfer(file);

    assertEquals(Status.PENDING_DELETE, report.status());
    assertEquals(3_000_000, report.bytesSent());
    List<Object> events = events(file);
    assertEquals(List.of(FileEvent.Discovered.class, FileEvent.TransferStarted.class,
        FileEvent.Verified.class, FileEvent.DeleteScheduled.class), events.stream().map(Object::getClass).toList());
    FileEvent.Verified verified = (FileEvent.Verified) events.get(2);
    assertEquals("2025/03/04/DJI_0001.MP4", verified.remotePath());
    assertEquals(TestFiles.sha256(settings.source().dir().resolve("DJI_0001.MP4")), verified.sha256());
    assertEquals(verified.sha256(), TestFiles.sha256(nas(verified.remotePath())));
    assertTrue(tempFilesOnTarget().isEmpty());
  }

  @Test
  void dueDeleteRechecksThenMovesTheSourceToTrash() throws Exception {
    FileInfo file = source("a/b.jpg", 10_000);
    transfer(file);

    spawn(file, true).tell(FileTransfer.ExecuteDelete.INSTANCE);
    Report report = supervisor.receiveMessage(Duration.ofSeconds(10));

    assertEquals(Status.DELETED, report.status());
    List<Object> events = events(file);
    FileEvent.DeleteRechecked recheck = (FileEvent.DeleteRechecked) events.get(4);
    assertTrue(recheck.ok());
    FileEvent.MovingToTrash intent = (FileEvent.MovingToTrash) events.get(5); // journaled before the move
    FileEvent.SourceDeleted deleted = (FileEvent.SourceDeleted) events.get(6);
    assertEquals(intent.trashPath(), deleted.trashPath());
    assertEquals("trash", deleted.mode());
    assertFalse(Files.exists(settings.source().dir().resolve("a/b.jpg")));
    assertEquals(recheck.remoteSha256(), TestFiles.sha256(Path.of(deleted.trashPath())));
  }

  @Test
  void failedRecheckKeepsTheSourceAndSendsTheFileBackToTransfer() throws Exception {
    FileInfo file = source("c.jpg", 10_000);
    FileEvent.Verified verified = (FileEvent.Verified) events(transferAndGet(file)).get(2);
    Files.write(nas(verified.remotePath()), new byte[10_000]); // same size, other content

    spawn(file, true).tell(FileTransfer.ExecuteDelete.INSTANCE);
    Report report = supervisor.receiveMessage(Duration.ofSeconds(10));

    assertEquals(Status.DISCOVERED, report.status());
    assertTrue(Files.exists(settings.source().dir().resolve("c.jpg")));
    FileEvent.DeleteRechecked recheck = (FileEvent.DeleteRechecked) events(file).get(4);
    assertFalse(recheck.ok());
    assertEquals(RecheckOutcome.TARGET_COPY_BAD, recheck.outcome());
    assertTrue(recheck.message().contains("hash mismatch"), recheck.message());
  }

  private FileInfo transferAndGet(FileInfo file) {
    assertEquals(Status.PENDING_DELETE, transfer(file).status());
    return file;
  }

  @Test
  void transientFailureAtByteNIsRetriedAndLeavesNoPartialFile() throws Exception {
    FileInfo file = source("big.mov", 4_000_000);
    target.breakAfterBytes(1_500_000, 1);

    Report first = transfer(file);

    assertEquals(Status.DISCOVERED, first.status());
    assertNotNull(first.wakeAtMillis());
    assertTrue(first.wakeAtMillis() > clock.millis());
    FileEvent.TransferFailed failed = (FileEvent.TransferFailed) events(file).get(2);
    assertEquals(ErrorKind.TRANSIENT, failed.kind());
    assertTrue(failed.message().contains("after 1500000 bytes"), failed.message());
    assertTrue(tempFilesOnTarget().isEmpty(), "partial temp removed");
    assertFalse(Files.exists(nas("2025/03/04/big.mov")), "nothing under the final name");

    assertEquals(Status.DISCOVERED, transfer(file).status(), "rests until its retry time");
    clock.advance(Duration.ofMinutes(1));
    Report second = transfer(file);

    assertEquals(Status.PENDING_DELETE, second.status());
    assertEquals(TestFiles.sha256(settings.source().dir().resolve("big.mov")),
        TestFiles.sha256(nas("2025/03/04/big.mov")));
  }

  @Test
  void corruptedCopyIsDiscardedAndRetried() throws Exception {
    FileInfo file = source("photo.jpg", 200_000);
    target.corruptNext(1);

    Report first = transfer(file);

    assertEquals(Status.DISCOVERED, first.status());
    FileEvent.TransferFailed failed = (FileEvent.TransferFailed) events(file).get(2);
    assertEquals(ErrorKind.CORRUPT, failed.kind());
    assertTrue(failed.message().contains("hash mismatch"), failed.message());
    assertTrue(tempFilesOnTarget().isEmpty());
    assertFalse(Files.exists(nas("2025/03/04/photo.jpg")));

    clock.advance(Duration.ofMinutes(1));
    assertEquals(Status.PENDING_DELETE, transfer(file).status());
    assertEquals(TestFiles.sha256(settings.source().dir().resolve("photo.jpg")),
        TestFiles.sha256(nas("2025/03/04/photo.jpg")));
  }

  @Test
  void permanentErrorQuarantinesAtOnce() throws Exception {
    FileInfo file = source("denied.mp4", 1000);
    target.failAlways(ErrorKind.PERMANENT);

    Report report = transfer(file);

    assertEquals(Status.QUARANTINED, report.status());
    FileEvent.TransferFailed failed = (FileEvent.TransferFailed) events(file).get(2);
    assertEquals(1, failed.attempt());
    assertEquals(null, failed.retryAtMillis());
    assertTrue(Files.exists(settings.source().dir().resolve("denied.mp4")));
  }

  @Test
  void transientErrorsQuarantineAfterMaxAttempts() throws Exception {
    FileInfo file = source("flaky.mp4", 1000);
    target.failAlways(ErrorKind.TRANSIENT);

    for (int attempt = 1; attempt < 3; attempt++) {
      assertEquals(Status.DISCOVERED, transfer(file).status(), "attempt " + attempt);
      clock.advance(Duration.ofMinutes(10));
    }
    Report last = transfer(file);

    assertEquals(Status.QUARANTINED, last.status());
    long failures = events(file).stream().filter(e -> e instanceof FileEvent.TransferFailed).count();
    assertEquals(3, failures);
  }

  @Test
  void sourceThatChangedIsSupersededNotCopied() throws Exception {
    FileInfo file = source("growing.mp4", 1000);
    TestFiles.write(settings.source().dir().resolve("growing.mp4"), 2000, 7);

    Report report = transfer(file);

    assertEquals(Status.SUPERSEDED, report.status());
    assertEquals(0, target.uploadsStarted.get());
  }

  @Test
  void crashMidTransferRestartsTheAttemptAndRemovesTheStaleTemp() throws Exception {
    FileInfo file = source("crash.mp4", 500_000);
    String finalPath = "2025/03/04/crash.mp4";
    String temp = RemoteLayout.tempPath(finalPath, file.fileId());
    journal.persistForRecovery(FileTransfer.persistenceId(file.fileId()).id(), List.of(
        new FileEvent.Discovered("crash.mp4", file.size(), file.mtimeMillis(), "src"),
        new FileEvent.TransferStarted(1, "file:x", finalPath, temp)));
    TestFiles.write(nas(temp), 1234, 1); // what the crashed attempt left

    Report report = transfer(file);

    assertEquals(Status.PENDING_DELETE, report.status());
    FileEvent.TransferStarted restarted = (FileEvent.TransferStarted) events(file).get(2);
    assertEquals(2, restarted.attempt());
    assertTrue(tempFilesOnTarget().isEmpty());
    assertEquals(TestFiles.sha256(settings.source().dir().resolve("crash.mp4")), TestFiles.sha256(nas(finalPath)));
  }

  @Test
  void verifiedFileIsNeverUploadedAgainAfterRestart() throws Exception {
    FileInfo file = source("done.mp4", 1000);
    transfer(file);
    int uploads = target.uploadsStarted.get();

    Report again = transfer(file);

    assertEquals(Status.PENDING_DELETE, again.status());
    assertEquals(uploads, target.uploadsStarted.get());
    assertEquals(4, events(file).size());
  }

  @Test
  void identicalFileOnTargetCountsAsVerifiedWithoutCopying() throws Exception {
    FileInfo file = source("same.jpg", 5000);
    Files.createDirectories(nas("2025/03/04"));
    Files.copy(settings.source().dir().resolve("same.jpg"), nas("2025/03/04/same.jpg"));

    Report report = transfer(file);

    assertEquals(Status.PENDING_DELETE, report.status());
    assertEquals(0, report.bytesSent());
    assertEquals(0, target.uploadsStarted.get());
  }

  @Test
  void differentFileOnTargetIsKeptAndTheNewOneGetsASuffix() throws Exception {
    FileInfo file = source("clash.jpg", 5000);
    Path existing = TestFiles.write(nas("2025/03/04/clash.jpg"), 5000, 99);
    String existingSha = TestFiles.sha256(existing);

    Report report = transfer(file);

    assertEquals(Status.PENDING_DELETE, report.status());
    assertEquals(existingSha, TestFiles.sha256(existing), "never overwritten");
    assertEquals(TestFiles.sha256(settings.source().dir().resolve("clash.jpg")),
        TestFiles.sha256(nas("2025/03/04/clash~1.jpg")));
  }

  @Test
  void withoutDeleteAfterSyncTheFileRestsVerified() throws Exception {
    FileInfo file = source("keep.jpg", 100);
    spawn(file, false).tell(new FileTransfer.Transfer(file));

    Report report = supervisor.receiveMessage(Duration.ofSeconds(10));

    assertEquals(Status.VERIFIED, report.status());
    assertInstanceOf(FileEvent.Verified.class, events(file).get(2));
    assertEquals(3, events(file).size());
  }

  @Test
  void longHistoryGetsASnapshotAndStillRecoversToItsState() throws Exception {
    FileInfo file = source("retried.mp4", 1000);
    String pid = FileTransfer.persistenceId(file.fileId()).id();
    List<Object> history = discoveredHistory(file);
    for (int attempt = 1; history.size() < FileTransfer.SNAPSHOT_EVERY - 1; attempt++) {
      history.add(new FileEvent.TransferStarted(attempt, "file:x", "2025/03/04/retried.mp4", ".t"));
      history.add(new FileEvent.TransferFailed(attempt, ErrorKind.TRANSIENT, "flaky", 0L));
    }
    journal.persistForRecovery(pid, history);

    Report report = transfer(file); // persists TransferStarted (100), Verified, DeleteScheduled

    assertEquals(Status.PENDING_DELETE, report.status());
    assertEquals(1, snapshots.persistedInStorage(pid).size(), "snapshot at event 100");
    Report again = transfer(file);
    assertEquals(Status.PENDING_DELETE, again.status(), "recovered from the snapshot and later events");
  }

  @Test
  void retentionPurgesTheTargetCopyOnlyAfterTheLocalCopyIsDeleted() throws Exception {
    FileInfo file = source("old.mp4", 10_000);
    transfer(file);
    FileEvent.Verified verified = (FileEvent.Verified) events(file).get(2);

    spawn(file, true).tell(new FileTransfer.PurgeRemote(null, 0, "test"));
    assertEquals(Status.PENDING_DELETE, supervisor.receiveMessage(Duration.ofSeconds(10)).status());
    assertTrue(Files.exists(nas(verified.remotePath())), "never while the local copy exists");

    spawn(file, true).tell(FileTransfer.ExecuteDelete.INSTANCE);
    assertEquals(Status.DELETED, supervisor.receiveMessage(Duration.ofSeconds(10)).status());
    spawn(file, true).tell(new FileTransfer.PurgeRemote(null, 0, "below reserve"));

    assertEquals(Status.PURGED, supervisor.receiveMessage(Duration.ofSeconds(10)).status());
    assertFalse(Files.exists(nas(verified.remotePath())));
    FileEvent.RemoteCopyPurged purged = (FileEvent.RemoteCopyPurged) events(file).get(7);
    assertEquals(verified.remotePath(), purged.remotePath());
    assertEquals("below reserve", purged.reason());
  }

  /** Issue 8, item 21: verified under a dock clock that booted in 2000, then NTP set it to 2026. */
  @Test
  void aDeleteScheduledUnderAnUnsetClockGetsItsFullDelayOnceTheClockIsSet() throws Exception {
    FileInfo file = source("rtc-less.mp4", 10_000);
    clock = new ManualClock(Instant.parse("2000-01-01T00:00:00Z"));
    TransferSetup hourDelay = setup(true, Duration.ofMinutes(60));
    testKit.spawn(FileTransfer.create(file, hourDelay, supervisor.ref())).tell(new FileTransfer.Transfer(file));
    assertEquals(Status.PENDING_DELETE, supervisor.receiveMessage(Duration.ofSeconds(10)).status());

    clock.advance(Duration.ofHours(2)); // still in 2000: due by its own reckoning, but the clock is not set
    testKit.spawn(FileTransfer.create(file, hourDelay, supervisor.ref())).tell(FileTransfer.ExecuteDelete.INSTANCE);
    Report unset = supervisor.receiveMessage(Duration.ofSeconds(10));
    assertEquals(Status.PENDING_DELETE, unset.status());
    assertTrue(unset.message().contains("not set"), unset.message());

    clock.advance(Duration.between(clock.instant(), Instant.parse("2026-11-23T08:00:00Z"))); // NTP
    testKit.spawn(FileTransfer.create(file, hourDelay, supervisor.ref())).tell(FileTransfer.ExecuteDelete.INSTANCE);
    Report rescheduled = supervisor.receiveMessage(Duration.ofSeconds(10));

    assertEquals(Status.PENDING_DELETE, rescheduled.status(), "not deleted at once after the jump");
    assertEquals(clock.millis() + Duration.ofMinutes(60).toMillis(), rescheduled.wakeAtMillis());
    assertTrue(Files.exists(settings.source().dir().resolve("rtc-less.mp4")));
    clock.advance(Duration.ofMinutes(60));
    testKit.spawn(FileTransfer.create(file, hourDelay, supervisor.ref())).tell(FileTransfer.ExecuteDelete.INSTANCE);
    assertEquals(Status.DELETED, supervisor.receiveMessage(Duration.ofSeconds(10)).status());
  }

  @Test
  void criticalDockPressureBringsTheDeleteForwardJournaledWithItsReason() throws Exception {
    FileInfo file = source("early.mp4", 10_000);
    TransferSetup hourDelay = setup(true, Duration.ofMinutes(60));
    testKit.spawn(FileTransfer.create(file, hourDelay, supervisor.ref())).tell(new FileTransfer.Transfer(file));
    assertEquals(Status.PENDING_DELETE, supervisor.receiveMessage(Duration.ofSeconds(10)).status());

    testKit.spawn(FileTransfer.create(file, hourDelay, supervisor.ref())).tell(FileTransfer.ExecuteDelete.INSTANCE);
    assertEquals(Status.PENDING_DELETE, supervisor.receiveMessage(Duration.ofSeconds(10)).status(), "not due yet");
    testKit.spawn(FileTransfer.create(file, hourDelay, supervisor.ref()))
        .tell(new FileTransfer.ExecuteEarlyDelete("dock disk 95% full"));

    assertEquals(Status.DELETED, supervisor.receiveMessage(Duration.ofSeconds(10)).status());
    List<Object> events = events(file);
    FileEvent.DeleteAdvanced advanced = (FileEvent.DeleteAdvanced) events.get(4);
    assertEquals("dock disk 95% full", advanced.reason());
    assertTrue(((FileEvent.DeleteRechecked) events.get(5)).ok(), "still rechecked first");
    dev.mediaferry.audit.InvariantChecker audit = new dev.mediaferry.audit.InvariantChecker(Duration.ofMinutes(60));
    for (int i = 0; i < events.size(); i++) {
      audit.accept(new dev.mediaferry.audit.AuditEvent(i, file.fileId(), i + 1, Instant.now(),
          (FileEvent) events.get(i)));
    }
    assertEquals(List.of(), audit.violations(), "an advanced delete is not a violation of the delay");
  }

  @Test
  void retentionWithScopeAllPurgesAFileTheJournalNeverKnewAndJournalsIt() throws Exception {
    Path foreign = TestFiles.write(nas("other/old.mp4"), 500, 3);
    FileInfo label = FileInfo.of("(on target) other/old.mp4", 500, 1);

    spawn(label, true).tell(new FileTransfer.PurgeRemote("other/old.mp4", 500, "below reserve"));

    assertEquals(Status.PURGED, supervisor.receiveMessage(Duration.ofSeconds(10)).status());
    assertFalse(Files.exists(foreign));
    assertEquals(List.of(new FileEvent.RemoteCopyPurged("other/old.mp4", 500, "below reserve")), events(label));
  }

  // --- issue 8: the safety promise ---

  @Test
  void sourceThatGrowsDuringTheUploadIsSupersededNotCorrupt() throws Exception {
    FileInfo file = source("growing-during.mp4", 3_000_000);
    Path path = settings.source().dir().resolve("growing-during.mp4");
    target.duringNextUpload = () -> {
      try {
        Files.write(path, new byte[500_000], java.nio.file.StandardOpenOption.APPEND);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    };

    Report report = transfer(file);

    assertEquals(Status.SUPERSEDED, report.status(), "a changed source is superseded, never 'corrupt'");
    FileEvent.TransferFailed failed = (FileEvent.TransferFailed) events(file).get(2);
    assertEquals(ErrorKind.SOURCE_CHANGED, failed.kind(), failed.message());
    assertEquals(null, failed.retryAtMillis(), "nothing waits on a file that no longer exists in that form");
    assertTrue(tempFilesOnTarget().isEmpty());
  }

  @Test
  void attemptsInterruptedByCrashesDoNotCountAgainstTheRetryLimit() throws Exception {
    FileInfo file = source("crashy.mp4", 1000);
    String pid = FileTransfer.persistenceId(file.fileId()).id();
    List<Object> history = discoveredHistory(file);
    for (int attempt = 1; attempt <= 10; attempt++) { // ten kill -9 in the middle of uploads
      history.add(new FileEvent.TransferStarted(attempt, "file:x", "2025/03/04/crashy.mp4", ".t" + attempt));
    }
    journal.persistForRecovery(pid, history);
    target.failAlways(ErrorKind.TRANSIENT);

    Report report = transfer(file); // max-attempts is 3: only real failures count

    assertEquals(Status.DISCOVERED, report.status(), "one failure after ten crashes is not a reason to give up");
    target.failAlways(null);
    clock.advance(Duration.ofMinutes(10));
    assertEquals(Status.PENDING_DELETE, transfer(file).status());
  }

  @Test
  void retentionNeverDeletesThroughALinkOnTheTarget() throws Exception {
    FileInfo file = source("linked.mp4", 10_000);
    transfer(file);
    spawn(file, true).tell(FileTransfer.ExecuteDelete.INSTANCE);
    assertEquals(Status.DELETED, supervisor.receiveMessage(Duration.ofSeconds(10)).status());
    FileEvent.Verified verified = (FileEvent.Verified) events(file).get(2);
    // the day folder on the NAS is replaced by a link to a folder outside the target
    Path outside = TestFiles.write(root.resolve("outside/linked.mp4"), 10_000, 3);
    Path day = nas(verified.remotePath()).getParent();
    TestFiles.listFiles(day).forEach(p -> p.toFile().delete());
    Files.delete(day);
    Files.createSymbolicLink(day, root.resolve("outside"));

    spawn(file, true).tell(new FileTransfer.PurgeRemote(null, 0, "below reserve"));

    assertEquals(Status.DELETED, supervisor.receiveMessage(Duration.ofSeconds(10)).status(), "not purged");
    assertTrue(Files.exists(outside), "nothing outside the target is deleted");
  }

  @Test
  void retentionNeverDeletesALinkItself() throws Exception {
    Path outside = TestFiles.write(root.resolve("outside/x.mp4"), 500, 3);
    Files.createDirectories(nas("other"));
    Files.createSymbolicLink(nas("other/link.mp4"), outside);
    FileInfo label = FileInfo.of("(on target) other/link.mp4", 500, 1);

    spawn(label, true).tell(new FileTransfer.PurgeRemote("other/link.mp4", 500, "below reserve"));

    assertEquals(Status.NEW, supervisor.receiveMessage(Duration.ofSeconds(10)).status());
    assertTrue(Files.isSymbolicLink(nas("other/link.mp4")), "the link is reported, not touched");
    assertTrue(Files.exists(outside));
  }

  @Test
  void crashBetweenTheMoveToTrashAndItsJournalEventIsFinishedOnRecovery() throws Exception {
    FileInfo file = source("trashed.mp4", 10_000);
    String sha = TestFiles.sha256(settings.source().dir().resolve("trashed.mp4"));
    transfer(file);
    journal.withPolicy(new org.apache.pekko.persistence.testkit.ProcessingPolicy<>() {
      @Override
      public org.apache.pekko.persistence.testkit.ProcessingResult tryProcess(String pid,
          org.apache.pekko.persistence.testkit.JournalOperation operation) {
        boolean sourceDeleted = operation instanceof org.apache.pekko.persistence.testkit.WriteEvents w
            && w.getBatch().stream().anyMatch(e -> e instanceof FileEvent.SourceDeleted);
        return sourceDeleted ? org.apache.pekko.persistence.testkit.StorageFailure.create()
            : org.apache.pekko.persistence.testkit.ProcessingSuccess$.MODULE$;
      }
    });
    try {
      ActorRef<FileTransfer.Command> crashing = spawn(file, true);
      crashing.tell(FileTransfer.ExecuteDelete.INSTANCE);
      testKit.createTestProbe().expectTerminated(crashing, Duration.ofSeconds(10)); // the "crash"
    } finally {
      journal.resetPolicy();
    }
    assertFalse(Files.exists(settings.source().dir().resolve("trashed.mp4")), "the move itself happened");

    spawn(file, true).tell(FileTransfer.ExecuteDelete.INSTANCE);
    Report report = supervisor.receiveMessage(Duration.ofSeconds(10));

    assertEquals(Status.DELETED, report.status(), "finished, not superseded");
    FileEvent.SourceDeleted deleted = events(file).stream().filter(e -> e instanceof FileEvent.SourceDeleted)
        .map(e -> (FileEvent.SourceDeleted) e).findFirst().orElseThrow();
    assertNotNull(deleted.trashPath());
    assertEquals(sha, TestFiles.sha256(Path.of(deleted.trashPath())), "the journal says where the file is");
  }

  @Test
  void aStableSourceSwappedForALinkIsNeverUploadedThroughTheLink() throws Exception {
    Path path = TestFiles.write(settings.source().dir().resolve("swap.mp4"), 5000, 1);
    var attrs = Files.readAttributes(path, java.nio.file.attribute.BasicFileAttributes.class);
    FileInfo file = FileInfo.of("swap.mp4", 5000, attrs.lastModifiedTime().toMillis(), attrs.fileKey().toString());
    Path secret = TestFiles.write(root.resolve("secret/shadow"), 5000, 2); // same size, same mtime
    Files.setLastModifiedTime(secret, attrs.lastModifiedTime());
    Files.delete(path);
    Files.createSymbolicLink(path, secret);

    Report report = transfer(file);

    assertEquals(Status.SUPERSEDED, report.status());
    assertEquals(ErrorKind.SOURCE_CHANGED, ((FileEvent.TransferFailed) events(file).get(2)).kind());
    assertTrue(TestFiles.listFiles(TestSettings.nas(settings)).isEmpty(), "nothing of the link's target uploaded");
  }

  @Test
  void aSourceReplacedByAnotherFileWithTheSameSizeAndMtimeIsNotCopied() throws Exception {
    Path path = TestFiles.write(settings.source().dir().resolve("replaced.mp4"), 5000, 1);
    var attrs = Files.readAttributes(path, java.nio.file.attribute.BasicFileAttributes.class);
    FileInfo file = FileInfo.of("replaced.mp4", 5000, attrs.lastModifiedTime().toMillis(), attrs.fileKey().toString());
    Path other = TestFiles.write(root.resolve("other.mp4"), 5000, 9);
    Files.setLastModifiedTime(other, attrs.lastModifiedTime());
    Files.move(other, path, java.nio.file.StandardCopyOption.REPLACE_EXISTING); // another inode

    Report report = transfer(file);

    assertEquals(Status.SUPERSEDED, report.status(), "a new inode under the name is a new file");
  }
}
