package dev.mediaferry.targets.sftp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mediaferry.demo.InProcessSftpServer;
import dev.mediaferry.file.ErrorKind;
import dev.mediaferry.targets.Target;
import dev.mediaferry.targets.TargetException;
import dev.mediaferry.testing.SftpSettings;
import dev.mediaferry.testing.TestFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.auth.pubkey.PublickeyAuthenticator;
import org.apache.sshd.server.command.CommandFactory;
import org.apache.sshd.server.shell.ProcessShellCommandFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Errors are classified by what happened, not where they surfaced (issue 8, items 15 and
 * 16): a connection cut while the NAS shell starts or while logging in is transient; only a
 * clear "no shell" answer switches to readback and only the server's refusal of the key is
 * permanent. An in-process MINA server plays each case.
 */
class SftpErrorClassificationTest {
  @TempDir Path work;

  private InProcessSftpServer server(Consumer<SshServer> customize) throws Exception {
    return InProcessSftpServer.start(work.resolve("keys"), customize);
  }

  private static SftpTarget open(InProcessSftpServer server, Path base) throws TargetException {
    return SftpTarget.open(server.url(base), SftpSettings.of(server.identityFile(), server.knownHosts()));
  }

  private Path nasWithOneFile(Target target) throws Exception {
    Path source = TestFiles.write(work.resolve("src/a.bin"), 4096, 3);
    target.upload(source, "a.bin", Target.Progress.NONE, Target.CancelSignal.NEVER);
    return source;
  }

  @Test
  void aConnectionCutWhileTheShellStartsIsTransientAndTheShellIsUsedAfterwards() throws Exception {
    AtomicBoolean dropNextShell = new AtomicBoolean();
    try (InProcessSftpServer server = server(s -> {
      CommandFactory real = s.getCommandFactory();
      s.setCommandFactory((channel, command) -> {
        if (dropNextShell.getAndSet(false)) {
          channel.getSession().close(true); // the transport breaks, the account has a shell
        }
        return real.createCommand(channel, command);
      });
    }); SftpTarget target = open(server, Files.createDirectories(work.resolve("nas")))) {
      Path source = nasWithOneFile(target);
      dropNextShell.set(true);

      TargetException cut = assertThrows(TargetException.class, () -> target.sha256("a.bin"));

      assertEquals(ErrorKind.TRANSIENT, cut.kind(), cut.getMessage());
      assertTrue(target.space("").orElseThrow().totalBytes() > 0, "free space needs the shell: it is still used");
      assertEquals(TestFiles.sha256(source), target.sha256("a.bin"));
    }
  }

  @Test
  void anAccountWithoutAShellIsVerifiedByReadback() throws Exception {
    try (InProcessSftpServer server = server(s -> s.setCommandFactory((channel, command) ->
        new ProcessShellCommandFactory().createCommand(channel, "echo 'This account is currently not available.'")));
         SftpTarget target = open(server, Files.createDirectories(work.resolve("nas")))) {
      Path source = nasWithOneFile(target);

      assertEquals(TestFiles.sha256(source), target.sha256("a.bin"), "read back over SFTP");
      assertEquals(Optional.empty(), target.space(""), "no shell, no df: free space is not known");
    }
  }

  @Test
  void aConnectionCutDuringLoginIsTransient() throws Exception {
    AtomicBoolean dropNextLogin = new AtomicBoolean(true);
    try (InProcessSftpServer server = server(s -> {
      PublickeyAuthenticator real = s.getPublickeyAuthenticator();
      s.setPublickeyAuthenticator((user, key, session) -> {
        if (dropNextLogin.getAndSet(false)) {
          session.close(true);
          return false;
        }
        return real.authenticate(user, key, session);
      });
    })) {
      Path nas = Files.createDirectories(work.resolve("nas"));

      try (SftpTarget target = open(server, nas)) { // a permanent error here would refuse to start
        assertTrue(!dropNextLogin.get(), "the first login was cut");
        target.mkdirs("day"); // the next login works
        assertTrue(Files.isDirectory(nas.resolve("day")));
      }
    }
  }

  @Test
  void aKeyTheServerRefusesIsPermanentAndSaysWhatToDo() throws Exception {
    try (InProcessSftpServer server = server(s -> s.setPublickeyAuthenticator((user, key, session) -> false))) {
      TargetException refused = assertThrows(TargetException.class,
          () -> open(server, Files.createDirectories(work.resolve("nas"))));

      assertEquals(ErrorKind.PERMANENT, refused.kind());
      assertTrue(refused.getMessage().contains("authorized_keys"), refused.getMessage());
    }
  }
}
