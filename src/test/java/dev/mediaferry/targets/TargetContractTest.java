package dev.mediaferry.targets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mediaferry.testing.TestFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every Target must do (rclone's fstests idea): each implementation's test extends
 * this and says how to open the target on a fresh folder. The folder is local in all
 * tests (the SSH servers run here), so the test can look at what was really stored.
 */
abstract class TargetContractTest {
  static final List<String> HOSTILE = List.of("with space.mp4", "quote'single.jpg", "dq\"uote.jpg",
      "ünïcødé 航拍.mp4", "$(touch pwned).mp4", "-leading-dash.mp4", "--rf", "new\nline.jpg", "semi;colon.jpg",
      "back`tick`.jpg", "star*.jpg", "; touch pwned2 #.jpg");

  @TempDir Path work;
  Path base;
  Target target;

  /** Opens the implementation on base (a folder that exists and is empty). */
  abstract Target open(Path base) throws Exception;

  @BeforeEach
  void openTarget() throws Exception {
    base = Files.createDirectories(work.resolve("nas"));
    target = open(base);
  }

  @AfterEach
  void closeTarget() {
    target.close();
  }

  private Path source(String name, long size) {
    return TestFiles.write(work.resolve("src").resolve(name), size, size);
  }

  @Test
  void uploadReturnsTheSha256OfWhatWasSentAndStoresIt() throws Exception {
    Path src = source("a.bin", 3_000_001);
    target.mkdirs("2025/03/04");
    AtomicLong progress = new AtomicLong();

    String sha = target.upload(src, "2025/03/04/a.bin", progress::set, Target.CancelSignal.NEVER);

    assertEquals(TestFiles.sha256(src), sha);
    assertEquals(sha, target.sha256("2025/03/04/a.bin"));
    assertEquals(sha, TestFiles.sha256(base.resolve("2025/03/04/a.bin")));
    assertEquals(3_000_001, target.stat("2025/03/04/a.bin").orElseThrow().size());
    assertEquals(3_000_001, progress.get());
  }

  @Test
  void emptyFileRoundTrips() throws Exception {
    Path src = source("empty", 0);
    String sha = target.upload(src, "empty", Target.Progress.NONE, Target.CancelSignal.NEVER);
    assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", sha);
    assertEquals(sha, target.sha256("empty"));
  }

  @Test
  void uploadNeverOverwritesAnExistingFile() throws Exception {
    Path first = source("one", 100);
    target.upload(first, "x", Target.Progress.NONE, Target.CancelSignal.NEVER);

    assertThrows(TargetException.class,
        () -> target.upload(source("two", 200), "x", Target.Progress.NONE, Target.CancelSignal.NEVER));
    assertEquals(TestFiles.sha256(first), TestFiles.sha256(base.resolve("x")));
  }

  @Test
  void renameNoReplaceMovesAndRefusesAnExistingDestination() throws Exception {
    target.upload(source("a", 10), "a", Target.Progress.NONE, Target.CancelSignal.NEVER);
    target.upload(source("b", 20), "b", Target.Progress.NONE, Target.CancelSignal.NEVER);
    target.upload(source("c", 30), "c", Target.Progress.NONE, Target.CancelSignal.NEVER);

    target.renameNoReplace("a", "moved");
    assertThrows(TargetException.DestinationExists.class, () -> target.renameNoReplace("b", "c"));

    assertEquals(Optional.empty(), target.stat("a"));
    assertEquals(10, target.stat("moved").orElseThrow().size());
    assertEquals(20, target.stat("b").orElseThrow().size());
    assertEquals(30, target.stat("c").orElseThrow().size());
  }

  @Test
  void deleteMkdirsListAndStatFollowTheirContracts() throws Exception {
    target.mkdirs("d/e/f");
    target.mkdirs("d/e/f"); // no error when it exists
    target.upload(source("g", 1), "d/e/f/g", Target.Progress.NONE, Target.CancelSignal.NEVER);

    assertEquals(List.of("g"), target.list("d/e/f"));
    assertEquals(List.of(), target.list("no/such/dir"));
    assertTrue(target.stat("d/e").orElseThrow().directory());
    target.delete("d/e/f/g");
    target.delete("d/e/f/g"); // no error when it is gone
    assertEquals(Optional.empty(), target.stat("d/e/f/g"));
    Space space = target.space("d");
    assertTrue(space.freeBytes() > 0 && space.totalBytes() >= space.freeBytes(), space.toString());
  }

  @Test
  void cancelledUploadStops() throws Exception {
    Path src = source("big", 8_000_000);
    assertThrows(Target.Cancelled.class, () -> target.upload(src, "big", Target.Progress.NONE, () -> true));
  }

  @Test
  void hostileNamesRoundTripAndNothingRunsOnTheTarget() throws Exception {
    target.mkdirs("-dir $(x)");
    long seed = 1;
    for (String name : HOSTILE) {
      Path src = TestFiles.write(work.resolve("hostile").resolve(String.valueOf(seed)), 100 + seed, seed++);
      String temp = "-dir $(x)/." + name + ".tmp";
      String sha = target.upload(src, temp, Target.Progress.NONE, Target.CancelSignal.NEVER);
      assertEquals(sha, target.sha256(temp), name);
      target.renameNoReplace(temp, "-dir $(x)/" + name);
      assertEquals(sha, TestFiles.sha256(base.resolve("-dir $(x)").resolve(name)), name);
    }
    assertEquals(HOSTILE.size(), target.list("-dir $(x)").size());
    assertTrue(TestFiles.listFiles(work).stream().noneMatch(p -> p.getFileName().toString().startsWith("pwned")));
    assertTrue(Files.notExists(Path.of("pwned")) && Files.notExists(Path.of("/tmp/pwned")));
  }

  @Test
  void statDoesNotFollowSymbolicLinks() throws Exception {
    Path outside = Files.createDirectories(work.resolve("outside"));
    TestFiles.write(outside.resolve("f.mp4"), 1000, 1);
    Files.createSymbolicLink(base.resolve("dir-link"), outside);
    Files.createSymbolicLink(base.resolve("file-link.mp4"), outside.resolve("f.mp4"));
    target.upload(source("plain", 10), "plain", Target.Progress.NONE, Target.CancelSignal.NEVER);

    RemoteStat dirLink = target.stat("dir-link").orElseThrow();
    RemoteStat fileLink = target.stat("file-link.mp4").orElseThrow();

    assertEquals(RemoteStat.Kind.LINK, dirLink.kind());
    assertEquals(RemoteStat.Kind.LINK, fileLink.kind());
    assertTrue(!dirLink.directory() && !fileLink.regularFile());
    assertTrue(target.stat("plain").orElseThrow().regularFile());
  }
}
