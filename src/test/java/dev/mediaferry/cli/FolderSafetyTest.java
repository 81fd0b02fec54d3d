package dev.mediaferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mediaferry.testing.Cli;
import dev.mediaferry.testing.TestFiles;
import dev.mediaferry.testing.Tmpfs;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Folders that overlap (the target inside the source, the source inside the target, the
 * trash inside either, also through a symbolic link) and a trash folder on another
 * filesystem are refused at start with exit 2 naming the keys: nothing is copied or moved.
 */
class FolderSafetyTest {
  @TempDir Path dir;

  private Cli.Result run(String source, String target, String trash) throws Exception {
    Files.createDirectories(Path.of(source));
    TestFiles.write(Path.of(source).resolve("clip.mp4"), 1000, 1);
    return Cli.run(dir, "run", "--once", "--config", Cli.configFile(dir, String.join("\n",
        "mediaferry.home = \"" + dir + "\"",
        "mediaferry.source.dir = \"" + source + "\"",
        "mediaferry.target.url = \"file:" + target + "\"",
        "mediaferry.delete.trash-dir = \"" + trash + "\"",
        "mediaferry.source.stable-for = 0s",
        "mediaferry.delete.delay = 0s",
        "mediaferry.storage.min-free = 0")));
  }

  private void assertRefused(Cli.Result result, String... keys) {
    assertEquals(2, result.exitCode(), result.stderr());
    for (String key : keys) {
      assertTrue(result.stderr().contains(key), key + " named in: " + result.stderr());
    }
    assertTrue(Files.exists(Path.of(dir.toString(), "media", "clip.mp4")) || !Files.exists(dir.resolve("media")),
        "the source file is untouched");
  }

  @Test
  void targetInsideTheSourceIsRefused() throws Exception {
    assertRefused(run(dir + "/media", dir + "/media/nas", dir + "/trash"),
        "mediaferry.target.url", "mediaferry.source.dir");
    assertTrue(Files.exists(dir.resolve("media/clip.mp4")));
  }

  @Test
  void sourceInsideTheTargetIsRefused() throws Exception {
    assertRefused(run(dir + "/nas/media", dir + "/nas", dir + "/trash"),
        "mediaferry.target.url", "mediaferry.source.dir");
  }

  @Test
  void trashInsideTheTargetIsRefused() throws Exception {
    assertRefused(run(dir + "/media", dir + "/nas", dir + "/nas/trash"),
        "mediaferry.delete.trash-dir", "mediaferry.target.url");
  }

  @Test
  void targetReachedThroughASymbolicLinkIntoTheSourceIsRefused() throws Exception {
    Files.createDirectories(dir.resolve("media/inner"));
    Files.createSymbolicLink(dir.resolve("nas-link"), dir.resolve("media/inner"));
    assertRefused(run(dir + "/media", dir + "/nas-link", dir + "/trash"),
        "mediaferry.target.url", "mediaferry.source.dir");
    assertTrue(Files.exists(dir.resolve("media/clip.mp4")));
  }

  @Test
  void trashOnAnotherFilesystemIsRefused() throws Exception {
    try (Tmpfs other = Tmpfs.mount(dir.resolve("other-fs"), "4m")) {
      Cli.Result result = run(dir + "/media", dir + "/nas", other.dir() + "/trash");
      assertRefused(result, "mediaferry.delete.trash-dir", "filesystem");
      assertTrue(Files.exists(dir.resolve("media/clip.mp4")));
    }
  }

  @Test
  void separateFoldersStillRun() throws Exception {
    Cli.Result result = run(dir + "/media", dir + "/nas", dir + "/trash");
    assertEquals(0, result.exitCode(), result.stderr());
    assertTrue(Files.exists(dir.resolve("trash")), "the trash folder is made at start");
  }
}
