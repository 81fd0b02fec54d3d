package dev.mediaferry.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mediaferry.config.Settings;
import dev.mediaferry.dock.DockTable;
import dev.mediaferry.testing.Cli;
import dev.mediaferry.testing.TestFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `mediaferry smoke` as an operator runs it, against a daemon process started here. */
class SmokeCommandTest {
  @TempDir Path root;
  Process daemon;

  @AfterEach
  void stopDaemon() throws Exception {
    if (daemon != null) {
      daemon.destroy();
      daemon.waitFor(60, TimeUnit.SECONDS);
    }
  }

  private String config(boolean scan, boolean dock) throws Exception {
    Files.createDirectories(root.resolve("var/media"));
    Path db = root.resolve("dock.db");
    if (dock) {
      DockTable.init(db);
    }
    return Cli.configFile(root, "mediaferry {\n home = \"" + root + "\"\n source { stable-for = 1s, scan-interval = "
        + "200ms, scan = " + scan + " }\n delete.delay = 0s\n storage.min-free = 0\n"
        + (dock ? " legacy-db { path = \"" + db + "\", poll-interval = 200ms }\n" : "") + "}\n");
  }

  private void startDaemon(String conf) throws Exception {
    Path dir = Files.createDirectories(root.resolve("daemon-run"));
    daemon = Cli.start(dir, "run", "--config", conf);
    // up once its endpoints wrote their address (after it took its lock). Not probed by taking
    // the lock: a daemon starting at that very moment found it held and exited 3 (a flaky test)
    Path address = Settings.load(Path.of(conf)).stateDir().resolve("http-address");
    try {
      await().atMost(Duration.ofSeconds(60)).until(() -> !daemon.isAlive() || Files.exists(address));
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError("the daemon was not up within 60 s; its output: " + output(dir), e);
    }
    if (!daemon.isAlive()) {
      throw new AssertionError("the daemon exited (" + daemon.exitValue() + ") while starting: " + output(dir));
    }
  }

  private static String output(Path dir) throws Exception {
    return "stdout: " + Files.readString(dir.resolve("stdout.txt")) + "\nstderr: "
        + Files.readString(dir.resolve("stderr.txt"));
  }

  private Cli.Result smoke(String... args) throws Exception {
    Path dir = Files.createDirectories(root.resolve("smoke-" + System.nanoTime()));
    String[] all = new String[args.length + 1];
    all[0] = "smoke";
    System.arraycopy(args, 0, all, 1, args.length);
    return Cli.run(dir, all);
  }

  @Test
  void viaTheScanItFollowsEveryStepToDeletedAndRemovesTheTestCopy() throws Exception {
    String conf = config(true, false);
    startDaemon(conf);

    Cli.Result result = smoke("--config", conf, "--size", "300000", "--timeout", "90s");

    assertEquals(0, result.exitCode(), result.stdout() + result.stderr());
    for (String step : new String[] {"health: healthy", "discovered", "transferring", "verified", "delete scheduled",
        "deleted", "smoke: OK"}) {
      assertTrue(result.stdout().contains(step), step + " in:\n" + result.stdout());
    }
    assertTrue(TestFiles.listFiles(root.resolve("var/nas")).stream()
        .noneMatch(p -> p.getFileName().toString().startsWith("mediaferry-smoke-")), "test copy removed from the NAS");
  }

  @Test
  void viaTheDockTableTheRowIsRegisteredAndEndsCompleted() throws Exception {
    String conf = config(false, true);
    startDaemon(conf);

    Cli.Result result = smoke("--config", conf, "--via", "legacy-db", "--keep", "--timeout", "90s");

    assertEquals(0, result.exitCode(), result.stdout() + result.stderr());
    assertTrue(result.stdout().contains("registered in"), result.stdout());
    assertTrue(TestFiles.listFiles(root.resolve("var/nas")).stream()
        .anyMatch(p -> p.getFileName().toString().startsWith("mediaferry-smoke-")), "--keep leaves the copy");
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + root.resolve("dock.db"));
           var rs = c.createStatement().executeQuery("SELECT transfer_status FROM media_transfer_status")) {
        return rs.next() && "completed".equals(rs.getString(1));
      }
    });
  }

  @Test
  void withoutADaemonItSaysWhatToDoAndExits1() throws Exception {
    Cli.Result result = smoke("--config", config(true, false));

    assertEquals(1, result.exitCode(), result.stdout() + result.stderr());
    assertTrue(result.stderr().contains("systemctl status mediaferry"), result.stderr());
    assertTrue(result.stderr().contains("journalctl -u mediaferry"), result.stderr());
  }

  @Test
  void aFileNobodyTakesTimesOutWithExit2NamingTheStep() throws Exception {
    Cli.Result result = smoke("--config", config(true, false), "--force", "--timeout", "2s");

    assertEquals(2, result.exitCode(), result.stdout() + result.stderr());
    assertTrue(result.stdout().contains("TIMED OUT") && result.stdout().contains("stuck before 'discovered'"),
        result.stdout());
  }
}
