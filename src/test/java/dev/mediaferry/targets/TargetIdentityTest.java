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

  @Test
  void afterTheShareIsUnmountedNothingIsWrittenAndTheRecheckIsNotFooled() throws Exception {
    Path nas = Files.createDirectories(dir.resolve("nas"));
    Recorded record = new Recorded();
    Target target = TargetIdentity.guard(new LocalTarget(nas), record);
    Path source = TestFiles.write(dir.resolve("a.mp4"), 1000, 1);
    target.upload(source, "a.mp4", Target.Progress.NONE, Target.CancelSignal.NEVER);
    assertTrue(Files.exists(nas.resolve(TargetIdentity.markerName(record.id))), "first use writes the marker");

    Files.move(nas, dir.resolve("share")); // unmounted: the mount point is an empty folder
    Files.createDirectories(nas);

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
