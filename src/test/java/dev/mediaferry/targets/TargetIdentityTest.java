package dev.mediaferry.targets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mediaferry.deletion.DeleteRecheck;
import dev.mediaferry.file.ErrorKind;
import dev.mediaferry.testing.TestFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The identity marker guards every use of the target (issue 8, item 9). */
class TargetIdentityTest {
  @TempDir Path dir;

  /** The journal database's record, in memory. */
  static final class Recorded implements TargetIdentity.Record {
    String id;
    boolean journalDeliveredFiles;

    @Override
    public String recorded() {
      return id;
    }

    @Override
    public void record(String markerId) {
      id = markerId;
    }

    @Override
    public boolean journalDeliveredFiles() {
      return journalDeliveredFiles;
    }
  }

  /** A clock the test moves by hand. */
  static final class TestClock implements LongSupplier {
    long nanos = 1_000_000_000_000L;

    @Override
    public long getAsLong() {
      return nanos;
    }

    void pass(long moreNanos) {
      nanos += moreNanos;
    }
  }

  /** Counts the stats of the marker the guard makes. */
  static final class CountingTarget extends ForwardingTarget {
    final AtomicInteger markerStats = new AtomicInteger();

    CountingTarget(Target real) {
      super(real);
    }

    @Override
    public Optional<RemoteStat> stat(String path) throws TargetException {
      if (TargetIdentity.isMarker(path)) {
        markerStats.incrementAndGet();
      }
      return real.stat(path);
    }
  }

  @Test
  void afterTheShareIsUnmountedNothingIsWrittenAndTheRecheckIsNotFooled() throws Exception {
    Path nas = Files.createDirectories(dir.resolve("nas"));
    Recorded record = new Recorded();
    TestClock clock = new TestClock();
    Target target = TargetIdentity.guard(new LocalTarget(nas), record, clock);
    Path source = TestFiles.write(dir.resolve("a.mp4"), 1000, 1);
    target.upload(source, "a.mp4", Target.Progress.NONE, Target.CancelSignal.NEVER);
    assertTrue(Files.exists(nas.resolve(TargetIdentity.markerName(record.id))), "first use writes the marker");

    Files.move(nas, dir.resolve("share")); // unmounted: the mount point is an empty folder
    Files.createDirectories(nas);
    clock.pass(TargetIdentity.SIGHTING_VALID_NANOS); // the last sighting no longer vouches

    TargetException upload = assertThrows(TargetException.class,
        () -> target.upload(source, "b.mp4", Target.Progress.NONE, Target.CancelSignal.NEVER));
    assertEquals(ErrorKind.WRONG_TARGET, upload.kind());
    assertTrue(upload.getMessage().contains("target init"), upload.getMessage());
    TargetException recheck = assertThrows(TargetException.class, () -> DeleteRecheck.run(target,
        new DeleteRecheck.Expected("a.mp4", 1000, TestFiles.sha256(source), source, 1000,
            Files.getLastModifiedTime(source).toMillis())));
    assertEquals(ErrorKind.WRONG_TARGET, recheck.kind(), "postponed, not 'target copy missing'");
    assertThrows(TargetException.class, () -> target.mkdirs("2026"));
    assertEquals(List.of(), TestFiles.listFiles(nas));
  }

  @Test
  void operationsWithinASecondOfASightingDoNotLookAgainButAFailureOrTheSecondPassingDoes() throws Exception {
    Path nas = Files.createDirectories(dir.resolve("nas"));
    CountingTarget counting = new CountingTarget(new LocalTarget(nas));
    TestClock clock = new TestClock();
    Target target = TargetIdentity.guard(counting, new Recorded(), clock);
    Path source = TestFiles.write(dir.resolve("a.mp4"), 1000, 1);

    target.mkdirs("2026");
    target.stat("2026/a.mp4");
    target.upload(source, "2026/a.mp4.tmp", Target.Progress.NONE, Target.CancelSignal.NEVER);
    target.sha256("2026/a.mp4.tmp", 1000);
    target.renameNoReplace("2026/a.mp4.tmp", "2026/a.mp4");
    assertEquals(1, counting.markerStats.get(), "one look for the five operations of a copy");

    assertThrows(TargetException.class, () -> target.renameNoReplace("2026/missing", "2026/b.mp4"));
    target.stat("2026/a.mp4");
    assertEquals(2, counting.markerStats.get(), "a failed operation makes the next one look again");

    clock.pass(TargetIdentity.SIGHTING_VALID_NANOS);
    target.stat("2026/a.mp4");
    assertEquals(3, counting.markerStats.get(), "a sighting a second old makes the next one look again");

    target.checkIdentity();
    assertEquals(4, counting.markerStats.get(), "checkIdentity always looks");
  }

  /**
   * Failure injection: the share goes away right after a sighting. A copy made within that
   * second lands on the wrong disk and "verifies" there; the recheck before the delete looks
   * at the marker anyway, so the original is not deleted.
   */
  @Test
  void aCopyMadeOnTheWrongDiskWithinTheSecondIsCaughtByTheRecheckBeforeTheDelete() throws Exception {
    Path nas = Files.createDirectories(dir.resolve("nas"));
    TestClock clock = new TestClock();
    Target target = TargetIdentity.guard(new LocalTarget(nas), new Recorded(), clock);
    target.mkdirs("2026");
    Files.move(nas, dir.resolve("share"));
    Files.createDirectories(nas);

    Path source = TestFiles.write(dir.resolve("a.mp4"), 1000, 7);
    SafeCopy.Result copied = new SafeCopy(target).copy(new SafeCopy.Request(source, 1000,
        Files.getLastModifiedTime(source).toMillis(), null, "2026/a.mp4", "2026/.a.mp4.mftmp-1", true),
        Target.Progress.NONE, Target.CancelSignal.NEVER);
    assertTrue(Files.exists(nas.resolve("2026/a.mp4")), "the copy went to the wrong disk, as it may within the second");

    TargetException recheck = assertThrows(TargetException.class, () -> DeleteRecheck.run(target,
        new DeleteRecheck.Expected(copied.remotePath(), 1000, copied.sha256(), source, 1000,
            Files.getLastModifiedTime(source).toMillis())));
    assertEquals(ErrorKind.WRONG_TARGET, recheck.kind());
    assertTrue(Files.exists(source));
  }

  @Test
  void aMarkerFoundAtFirstUseIsAdoptedAndNeverDeleted() throws Exception {
    Path nas = Files.createDirectories(dir.resolve("nas"));
    Files.writeString(nas.resolve(TargetIdentity.markerName("from-before")), "");
    Recorded record = new Recorded();
    Target target = TargetIdentity.guard(new LocalTarget(nas), record);

    target.mkdirs("2026");

    assertEquals("from-before", record.id);
    TargetException refused = assertThrows(TargetException.class,
        () -> target.delete(TargetIdentity.markerName("from-before")));
    assertEquals(ErrorKind.PERMANENT, refused.kind());
  }

  @Test
  void anEmptyTargetIsNotMarkedWhenTheJournalKnowsFilesButInitDoesIt() throws Exception {
    Path nas = Files.createDirectories(dir.resolve("nas"));
    Recorded record = new Recorded();
    record.journalDeliveredFiles = true; // upgraded from a version without markers; the share is not mounted
    Target target = TargetIdentity.guard(new LocalTarget(nas), record);

    assertEquals(ErrorKind.WRONG_TARGET, assertThrows(TargetException.class, () -> target.mkdirs("2026")).kind());
    assertEquals(List.of(), TestFiles.listFiles(nas));

    String id = TargetIdentity.init(new LocalTarget(nas), record);
    target.mkdirs("2026");
    assertEquals(id, record.id);
  }
}
