package dev.mediaferry.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mediaferry.demo.InProcessSftpServer;
import dev.mediaferry.testing.Cli;
import dev.mediaferry.testing.TestFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Passwords and tokens from the config never reach the console, the log file or the state-change log. */
class SecretsNotLoggedTest {
  private static final String PASSWORD = "pw-7f3c9e-secret";
  private static final String HOOK_PASSWORD = "hookpass-91b2";
  private static final String HOOK_TOKEN = "tok-5d1e-secret";
  private static final String URL_PASSWORD = "urlpass-3a7d";

  @TempDir Path root;

  /**
   * A daemon logs in with the password (the server takes it), offloads a file, journals it
   * into the state-change log, and fails to send an alert (a name that is not UTF-8) to a
   * webhook whose URL holds a user password and a token. Then the logs are searched.
   */
  @Test
  void aPasswordLoginAndAFailingWebhookLogNoSecret() throws Exception {
    Path nas = Files.createDirectories(root.resolve("nas"));
    try (InProcessSftpServer server = InProcessSftpServer.start(root.resolve("keys"),
        ssh -> ssh.setPasswordAuthenticator((user, password, session) -> PASSWORD.equals(password)))) {
      TestFiles.write(root.resolve("var/media/clip.mp4"), 4096, 1);
      new ProcessBuilder("sh", "-c", "touch \"$(printf 'bad\\377.bin')\"").directory(root.resolve("var/media").toFile())
          .start().waitFor();
      Path dir = Files.createDirectories(root.resolve("run"));
      String conf = Cli.configFile(dir, "mediaferry {\n home = \"" + root + "\"\n source.stable-for = 0s\n"
          + " target { url = \"" + server.url(nas) + "\", sftp { password = \"" + PASSWORD + "\","
          + " known-hosts = \"" + server.knownHosts() + "\" } }\n"
          + " alerts.webhook { url = \"http://hookuser:" + HOOK_PASSWORD + "@127.0.0.1:9/alert?token=" + HOOK_TOKEN
          + "\", retries = 1, timeout = 1s }\n log.state-changes = true\n storage.min-free = 0\n}\n");
      Process daemon = Cli.start(dir, "run", "--config", conf);
      try {
        Path logDir = dir.resolve("var/log");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
          String log = read(logDir.resolve("mediaferry.log"));
          assertTrue(read(logDir.resolve("state-changes.jsonl")).contains("\"Verified\""), log + read(dir.resolve("stderr.txt")));
          assertTrue(log.contains("webhook http://127.0.0.1:9/alert?..."), log);
        });
      } finally {
        daemon.destroy();
        daemon.waitFor(60, TimeUnit.SECONDS);
      }
      for (String line : read(dir.resolve("var/log/state-changes.jsonl")).lines().toList()) {
        com.fasterxml.jackson.databind.JsonNode change = new com.fasterxml.jackson.databind.ObjectMapper().readTree(line);
        assertTrue(change.hasNonNull("event") && change.hasNonNull("fileId") && change.has("details"),
            "each state change is one JSON object with event, fileId and details: " + line);
      }
      String logs = read(dir.resolve("stdout.txt")) + read(dir.resolve("stderr.txt")) + everyLogFile();
      assertTrue(logs.contains("verified as"), "the daemon worked and logged (so the search means something)");
      assertNoSecret(logs);
    }
  }

  @Test
  void aPasswordInTheTargetUrlIsRefusedWithoutShowingIt() throws Exception {
    Cli.Result run = runIn("run-url", "mediaferry {\n home = \"" + root + "\"\n target.url = \"sftp://ops:"
        + URL_PASSWORD + "@127.0.0.1:1/media\"\n}\n", "--once");

    assertEquals(2, run.exitCode());
    assertTrue(run.stderr().contains("mediaferry.target.sftp.password"), run.stderr());
    assertNoSecret(everyLog(run));
  }

  private Cli.Result runIn(String name, String hocon, String... extra) throws Exception {
    Path dir = Files.createDirectories(root.resolve(name));
    String conf = Cli.configFile(dir, hocon);
    String[] args = Stream.concat(Stream.of("run", "--config", conf), Stream.of(extra)).toArray(String[]::new);
    return Cli.run(dir, args);
  }

  private String everyLog(Cli.Result run) throws Exception {
    return run.stdout() + run.stderr() + everyLogFile();
  }

  /** Every file under a var/log folder below the test's root (the processes' working dirs). */
  private String everyLogFile() throws Exception {
    StringBuilder all = new StringBuilder();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path file : files.filter(f -> f.toString().contains("/var/log/") && Files.isRegularFile(f)).toList()) {
        all.append(read(file));
      }
    }
    return all.toString();
  }

  private static String read(Path file) throws Exception {
    return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
  }

  private static void assertNoSecret(String logs) {
    for (String secret : List.of(PASSWORD, HOOK_PASSWORD, HOOK_TOKEN, URL_PASSWORD)) {
      assertFalse(logs.contains(secret), "secret " + secret + " in the logs:\n" + logs);
    }
  }
}
