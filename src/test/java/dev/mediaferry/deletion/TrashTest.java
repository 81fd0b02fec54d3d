package dev.mediaferry.deletion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mediaferry.file.LocalIdentity;
import dev.mediaferry.testing.TestFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrashTest {
  @TempDir Path root;

  /** What the daemon does: plan a free name in today's folder, then rename into it. */
  private static Path moveIn(Trash trash, Path source, String relativePath, java.time.Instant now) throws Exception {
    Path dest = trash.plan(relativePath, now);
    java.nio.file.Files.move(source, dest);
    return dest;
  }

  @Test
  void movesIntoTheDayFolderKeepingThePathAndNeverOverwrites() throws Exception {
    Trash trash = new Trash(root.resolve("trash"), ZoneOffset.UTC);
    Instant day = Instant.parse("2026-11-20T10:00:00Z");
    Path first = TestFiles.write(root.resolve("src/a/x.mp4"), 10, 1);
    String firstSha = TestFiles.sha256(first);

    Path moved = moveIn(trash, first, "a/x.mp4", day);
    Path second = TestFiles.write(root.resolve("src/a/x.mp4"), 20, 2);
    Path movedAgain = moveIn(trash, second, "a/x.mp4", day);

    assertEquals(root.resolve("trash/2026-11-20/a/x.mp4"), moved);
    assertEquals(firstSha, TestFiles.sha256(moved));
    assertEquals(root.resolve("trash/2026-11-20/a/x.mp4~1"), movedAgain);
    assertFalse(Files.exists(second));
  }

  @Test
  void purgeRemovesOnlyDayFoldersPastRetention() throws Exception {
    Trash trash = new Trash(root, ZoneOffset.UTC);
    TestFiles.write(root.resolve("2026-11-10/old.mp4"), 1, 1);
    TestFiles.write(root.resolve("2026-11-15/edge/kept.mp4"), 1, 2);
    TestFiles.write(root.resolve("2026-11-20/new.mp4"), 1, 3);
    TestFiles.write(root.resolve("not-a-day/other.mp4"), 1, 4);

    // 7 days after the end of 2026-11-15 is 2026-11-23T00:00Z: that folder stays until then
    List<Path> removed = trash.purge(Duration.ofDays(7), Instant.parse("2026-11-22T23:00:00Z"));

    assertEquals(List.of(root.resolve("2026-11-10")), removed);
    assertTrue(Files.exists(root.resolve("2026-11-15/edge/kept.mp4")));
    assertTrue(Files.exists(root.resolve("2026-11-20/new.mp4")));
    assertTrue(Files.exists(root.resolve("not-a-day/other.mp4")));
  }

  @Test
  void aFileThatIsNotTheOneRecheckedIsMovedBackNotTrashed() throws Exception {
    Path source = dev.mediaferry.testing.TestFiles.write(root.resolve("src/a.mp4"), 100, 1);
    LocalIdentity checked = LocalIdentity.of(source);
    Path swapped = dev.mediaferry.testing.TestFiles.write(root.resolve("other.mp4"), 100, 2);
    java.nio.file.Files.setLastModifiedTime(swapped, java.nio.file.attribute.FileTime.fromMillis(checked.mtimeMillis()));
    java.nio.file.Files.move(swapped, source, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Path dest = new Trash(root.resolve("trash"), java.time.ZoneId.of("UTC")).plan("a.mp4", java.time.Instant.now());

    var error = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
        () -> Trash.moveChecked(source, dest, checked));

    org.junit.jupiter.api.Assertions.assertTrue(error.getMessage().contains("moved back"), error.getMessage());
    org.junit.jupiter.api.Assertions.assertTrue(java.nio.file.Files.exists(source), "back in the source folder");
    org.junit.jupiter.api.Assertions.assertFalse(java.nio.file.Files.exists(dest));
  }
}
