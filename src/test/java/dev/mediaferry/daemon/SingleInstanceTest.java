package dev.mediaferry.daemon;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mediaferry.testing.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two real processes on one state folder: the second exits 3 naming the first's PID. */
class SingleInstanceTest {
  @TempDir Path root;

  @Test
  void secondInstanceIsRefusedWithTheHoldersPid() throws Exception {
    Files.createDirectories(root.resolve("var/media"));
    String config = Cli.configFile(root, "mediaferry.home = \"" + root + "\"\n");
    Path firstDir = Files.createDirectories(root.resolve("first"));
    Path secondDir = Files.createDirectories(root.resolve("second"));
    Process first = Cli.start(firstDir, "run", "--config", config);
    try {
      Path lock = root.resolve("var/state/mediaferry.lock");
      await().atMost(Duration.ofSeconds(60))
          .until(() -> Files.exists(lock) && Files.readString(lock).trim().equals(String.valueOf(first.pid())));

      Cli.Result second = Cli.run(secondDir, "run", "--config", config, "--once");

      assertEquals(3, second.exitCode(), second.stderr());
      assertTrue(second.stderr().contains("PID " + first.pid()), second.stderr());
      Cli.Result audit = Cli.run(secondDir, "audit", "--config", config);
      assertEquals(0, audit.exitCode(), "audit reads the journal while the daemon runs: " + audit.stderr());
      assertTrue(audit.stdout().contains("files:        0"), audit.stdout());
      Cli.Result rebuild = Cli.run(secondDir, "audit", "--rebuild-index", "--config", config);
      assertEquals(3, rebuild.exitCode(), "no index rebuild under a running daemon: " + rebuild.stdout());
      assertTrue(rebuild.stderr().contains("PID " + first.pid()), rebuild.stderr());
      Cli.Result archive = Cli.run(secondDir, "db", "archive", "--before", "2030-01-01", "--config", config);
      assertEquals(3, archive.exitCode(), "no archive under a running daemon: " + archive.stdout());
      assertTrue(archive.stderr().contains("PID " + first.pid()), archive.stderr());
    } finally {
      first.destroy(); // SIGTERM: a graceful stop
      assertTrue(first.waitFor(60, TimeUnit.SECONDS), "first instance stops on SIGTERM");
    }
  }
}
