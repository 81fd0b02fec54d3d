package dev.mediaferry.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mediaferry.config.Settings;
import dev.mediaferry.deletion.DeleteRecheck;
import dev.mediaferry.file.FileEvent;
import dev.mediaferry.file.RecheckOutcome;
import dev.mediaferry.journal.FileIndex;
import dev.mediaferry.journal.JournalDatabase;
import dev.mediaferry.targets.LocalTarget;
import dev.mediaferry.testing.TestFiles;
import dev.mediaferry.transfer.FileTransfer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which files retention chooses on a real folder and file index, for scope journal and all. */
class RetentionScopeTest {
  static final Instant NOW = Instant.now();

  @TempDir Path dir;

  private Path remote(String path, int daysOld) throws Exception {
    Path file = TestFiles.write(dir.resolve("nas").resolve(path), 100, path.hashCode());
    Files.setLastModifiedTime(file, FileTime.from(NOW.minus(Duration.ofDays(daysOld))));
    return file;
  }

  private static List<FileIndex.Change> journal(String id, String remotePath, boolean localDeleted, int daysAgo) {
    long at = NOW.minus(Duration.ofDays(daysAgo)).toEpochMilli();
    String sha = "0".repeat(64);
    List<FileEvent> events = new ArrayList<>(List.of(
        new FileEvent.Discovered(id + ".mp4", 100, 1, "/src"),
        new FileEvent.TransferStarted(1, "file:", remotePath, "t"),
        new FileEvent.Verified(remotePath, sha, 100, 100, 1),
        new FileEvent.DeleteScheduled(at)));
    if (localDeleted) {
      events.add(new FileEvent.DeleteRechecked(true, RecheckOutcome.OK, sha, "ok"));
      events.add(new FileEvent.SourceDeleted("trash", "/t"));
    }
    List<FileIndex.Change> changes = new ArrayList<>();
    for (int i = 0; i < events.size(); i++) {
      changes.add(new FileIndex.Change(id, i + 1, at, events.get(i)));
    }
    return changes;
  }

  private List<String> chosen(String scope) throws Exception {
    return chosen(scope, List.of());
  }

  private List<String> chosen(String scope, List<FileIndex.Change> more) throws Exception {
    JournalDatabase.ensureSchema(dir.resolve("journal.db"));
    try (FileIndex index = FileIndex.open(dir.resolve("journal.db"))) {
      List<FileIndex.Change> changes = new ArrayList<>();
      changes.addAll(journal("delivered", "d/delivered.mp4", true, 90));
      changes.addAll(journal("kept-local", "d/kept-local.mp4", false, 90)); // local copy still there
      changes.addAll(more);
      index.apply(changes, changes.size());
      Settings.Storage storage = new Settings.Storage(Duration.ofMinutes(1), 0, 0, 80, 90, false,
          new Settings.Retention(true, List.of("**"), 30,
              Settings.RetentionScope.valueOf(scope.toUpperCase(java.util.Locale.ROOT))));
      return Retention.plan(index, new LocalTarget(dir.resolve("nas")), storage, 10_000, NOW).stream()
          .map(RetentionPlan.Candidate::remotePath).toList();
    }
  }

  @Test
  void journalScopeTakesOnlyDeliveredFilesWhoseLocalCopyIsGone() throws Exception {
    remote("d/delivered.mp4", 90);
    remote("d/kept-local.mp4", 90);
    remote("other/old-foreign.mp4", 200);

    assertEquals(List.of("d/delivered.mp4"), chosen("journal"));
  }

  @Test
  void allScopeAddsOldFilesTheJournalNeverKnewButNeverYoungOnesOrCopiesWhoseLocalFileExists() throws Exception {
    remote("d/delivered.mp4", 90);
    remote("d/kept-local.mp4", 90);
    remote("other/old-foreign.mp4", 200);
    remote("other/young-foreign.mp4", 5);
    remote("other/.x.mp4.mftmp-abc", 300); // our temp name: never

    assertEquals(List.of("other/old-foreign.mp4", "d/delivered.mp4"), chosen("all"));
  }

  @Test
  void aCopyThatAnotherFileStillReliesOnIsNeverACandidate() throws Exception {
    remote("d/delivered.mp4", 90);
    remote("d/kept-local.mp4", 90);
    remote("d/shared.mp4", 90);
    List<FileIndex.Change> more = new ArrayList<>();
    more.addAll(journal("old-twin", "d/shared.mp4", true, 90)); // delivered, local copy gone long ago
    more.addAll(journal("new-twin", "d/shared.mp4", false, 1)); // same content, "verified" against it; local exists
    more.addAll(journal("young-twin-of-delivered", "d/delivered.mp4", true, 2)); // deleted inside keep-days

    assertEquals(List.of(), chosen("journal", more));
  }

  @Test
  void linksOnTheTargetAreNeverFollowedNorChosen() throws Exception {
    Path outside = TestFiles.write(dir.resolve("elsewhere/precious.mp4"), 100, 7);
    Files.setLastModifiedTime(outside, FileTime.from(NOW.minus(Duration.ofDays(400))));
    Files.createDirectories(dir.resolve("nas"));
    Files.createSymbolicLink(dir.resolve("nas/linked-folder"), dir.resolve("elsewhere"));
    Files.createSymbolicLink(dir.resolve("nas/linked-file.mp4"), outside);
    remote("other/old-foreign.mp4", 200);

    assertEquals(List.of("other/old-foreign.mp4", "d/delivered.mp4"), chosen("all"), "nothing behind a link");
  }
}
