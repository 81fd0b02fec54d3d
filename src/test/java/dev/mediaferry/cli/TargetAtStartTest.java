package dev.mediaferry.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mediaferry.demo.InProcessSftpServer;
import dev.mediaferry.testing.Cli;
import dev.mediaferry.testing.TestFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The target is opened (SSH connection, host key, login) while the journal and the actor
 * system start. A target that cannot be opened still ends the run with exit 2 and the reason,
 * before any file was looked at: nothing journaled, nothing written on the NAS, the source as
 * it was. In a --once run and in the daemon alike.
 */
class TargetAtStartTest {
  @TempDir Path root;
  /** Set when the late NAS below answered a login after mediaferry's actor system had started. */
  private final java.util.concurrent.atomic.AtomicBoolean answeredAfterStart =
      new java.util.concurrent.atomic.AtomicBoolean();

  @Test
  void anUnknownHostKeyEndsARunOnceWithExit2AndJournalsNothing() throws Exception {
    assertRefusedAtStart("once", "--once");
  }

  @Test
  void anUnknownHostKeyEndsTheDaemonWithExit2AndJournalsNothing() throws Exception {
    assertRefusedAtStart("daemon");
  }

  /**
   * A NAS that answers the login only once the actor system and the file index are up (the
   * file actors wait for the target), and then refuses it: exit 2 all the same. Were the login
   * needed before the actor system starts, the NAS would never answer and the test fails.
   */
  @Test
  void aLoginRefusedAfterTheActorSystemStartedStillEndsWithExit2AndJournalsNothing() throws Exception {
    Path home = Files.createDirectories(root.resolve("slow-refusal"));
    try (InProcessSftpServer server = InProcessSftpServer.start(home.resolve("keys"), loginAnsweredOnceTheActorSystemRuns(home, false))) {
      Cli.Result run = runOnce(home, server, server.knownHosts());

      assertEquals(2, run.exitCode(), run.stdout() + run.stderr());
      assertTrue(answeredAfterStart.get(), "the NAS refused only once the actor system ran: " + run.stderr());
      assertTrue(run.stderr().contains("mediaferry: authentication as"), run.stderr());
    }
    assertNothingHappened(home);
  }

  /**
   * The same late NAS that lets the login in: the start waits for that login (it does not give
   * up on the NAS and retry later), the file actors start then, and the file is offloaded.
   */
  @Test
  void aSlowLoginDelaysTheFirstTransferAndNothingElse() throws Exception {
    Path home = Files.createDirectories(root.resolve("slow-login"));
    try (InProcessSftpServer server = InProcessSftpServer.start(home.resolve("keys"), loginAnsweredOnceTheActorSystemRuns(home, true))) {
      Cli.Result run = runOnce(home, server, server.knownHosts());

      assertEquals(0, run.exitCode(), run.stdout() + run.stderr());
      assertTrue(answeredAfterStart.get(), "the NAS let the login in only once the actor system ran");
      assertFalse(run.stderr().contains("is not reachable now"),
          "the start's login was the one let in, not given up on and retried later: " + run.stderr());
      assertTrue(run.stdout().contains("1 files, 1 verified"), run.stdout());
    }
    try (Stream<Path> stored = Files.walk(home.resolve("nas"))) {
      Path copy = stored.filter(f -> f.getFileName().toString().equals("clip.mp4")).findFirst().orElseThrow();
      assertEquals(TestFiles.sha256(home.resolve("var/media/clip.mp4")), TestFiles.sha256(copy));
    }
  }

  /**
   * The server's login answer waits until the mediaferry process (Cli writes its stderr to
   * home/stderr.txt) has logged its actor system's start, then is the real one or a refusal.
   */
  private java.util.function.Consumer<org.apache.sshd.server.SshServer> loginAnsweredOnceTheActorSystemRuns(
      Path home, boolean letIn) {
    Path stderr = home.resolve("stderr.txt");
    return ssh -> {
      var real = ssh.getPublickeyAuthenticator();
      ssh.setPublickeyAuthenticator((user, key, session) -> {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
            .until(() -> Files.exists(stderr) && Files.readString(stderr).contains("Slf4jLogger started"));
        answeredAfterStart.set(true);
        return letIn && real.authenticate(user, key, session);
      });
    };
  }

  private void assertRefusedAtStart(String name, String... extra) throws Exception {
    Path home = Files.createDirectories(root.resolve(name));
    Path emptyKnownHosts = Files.writeString(home.resolve("known_hosts"), "");
    try (InProcessSftpServer server = InProcessSftpServer.start(home.resolve("keys"))) {
      Cli.Result run = run(home, server, emptyKnownHosts, extra);

      assertEquals(2, run.exitCode(), run.stdout() + run.stderr());
      assertTrue(run.stderr().contains("is not in " + emptyKnownHosts), run.stderr());
    }
    assertNothingHappened(home);
  }

  private static Cli.Result runOnce(Path home, InProcessSftpServer server, Path knownHosts) throws Exception {
    return run(home, server, knownHosts, "--once");
  }

  /** mediaferry run with a 300 kB file in the source and the server's folder nas/ as the target. */
  private static Cli.Result run(Path home, InProcessSftpServer server, Path knownHosts, String... extra)
      throws Exception {
    Path nas = Files.createDirectories(home.resolve("nas"));
    TestFiles.write(home.resolve("var/media/clip.mp4"), 300_000, 3);
    String conf = Cli.configFile(home, "mediaferry {\n home = \"" + home + "\"\n source.stable-for = 0s\n"
        + " target { url = \"" + server.url(nas) + "\", sftp { identity-file = \"" + server.identityFile()
        + "\", known-hosts = \"" + knownHosts + "\" } }\n storage.min-free = 0\n}\n");
    return Cli.run(home, Stream.concat(Stream.of("run", "--config", conf), Stream.of(extra)).toArray(String[]::new));
  }

  private static void assertNothingHappened(Path home) throws Exception {
    assertEquals(0, journaledEvents(home.resolve("var/state/journal.db")), "no file was journaled");
    assertEquals(List.of(), listed(home.resolve("nas")), "nothing written on the NAS");
    assertEquals(300_000, Files.size(home.resolve("var/media/clip.mp4")), "the source is as it was");
  }

  private static long journaledEvents(Path journal) throws Exception {
    try (var connection = DriverManager.getConnection("jdbc:sqlite:" + journal);
         var rows = connection.createStatement().executeQuery("SELECT count(*) FROM event_journal")) {
      rows.next();
      return rows.getLong(1);
    }
  }

  private static List<Path> listed(Path folder) throws Exception {
    try (Stream<Path> files = Files.list(folder)) {
      return files.toList();
    }
  }
}
