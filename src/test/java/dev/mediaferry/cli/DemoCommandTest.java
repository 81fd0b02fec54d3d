package dev.mediaferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mediaferry.testing.Cli;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoCommandTest {
  @TempDir Path dir;

  @Test
  void demoOffloadsTheSamplesOverSftpAndSaysWhereTheyLanded() throws Exception {
    Cli.Result demo = Cli.run(dir, "demo");

    assertEquals(0, demo.exitCode(), demo.stderr() + demo.stdout());
    assertTrue(demo.stdout().contains("5 files, 5 verified, 5 deleted, 0 failed"), demo.stdout());
    assertTrue(demo.stdout().contains("landed on the NAS:"), demo.stdout());
    assertTrue(demo.stdout().contains("DJI_0421.MP4"), demo.stdout());
  }
}
