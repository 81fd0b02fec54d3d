package dev.mediaferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mediaferry.deletion.Trash;
import dev.mediaferry.testing.Cli;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoCommandTest {
  @TempDir Path dir;
  String lastStdout = "";

  @Test
  void demoOffloadsTheSamplesOverSftpAndSaysWhereTheyLanded() throws Exception {
    Cli.Result demo = Cli.run(dir, "demo");
    lastStdout = demo.stdout();

    assertEquals(0, demo.exitCode(), demo.stderr() + demo.stdout());
    assertTrue(demo.stdout().contains("5 files, 5 verified, 5 deleted, 0 failed"), demo.stdout());
    assertTrue(demo.stdout().contains("landed on the NAS:"), demo.stdout());
    assertTrue(demo.stdout().contains("DJI_0421.MP4"), demo.stdout());
  }

  @Test
  void photosAddTwoMebibytePhotosToTheSamples() throws Exception {
    Cli.Result demo = Cli.run(dir, "demo", "--photos", "3");
    lastStdout = demo.stdout();

    assertEquals(0, demo.exitCode(), demo.stderr() + demo.stdout());
    assertTrue(demo.stdout().contains("8 files, 8 verified, 8 deleted, 0 failed"), demo.stdout());
    assertTrue(demo.stdout().matches("(?s).*flight-0423/DJI_1003.JPG +2,097,152 bytes.*"), demo.stdout());
  }

  @Test
  void aNegativePhotoCountIsRefused() throws Exception {
    Cli.Result demo = Cli.run(dir, "demo", "--photos", "-1");
    assertEquals(2, demo.exitCode());
    assertTrue(demo.stderr().contains("--photos -1 is below 0"), demo.stderr());
  }

  /** The demo keeps its folder for the user to look into (~190 MB); a test run must not leave one behind each time. */
  @AfterEach
  void removeTheDemoFolder() throws Exception {
    Matcher folder = Pattern.compile("offloading \\d+ files from (\\S+)/media to").matcher(lastStdout);
    if (folder.find() && Path.of(folder.group(1)).getFileName().toString().startsWith("mediaferry-demo-")) {
      Trash.deleteTree(Path.of(folder.group(1)));
    }
  }
}
