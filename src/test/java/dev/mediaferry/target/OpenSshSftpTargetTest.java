package dev.mediaferry.target;

import dev.mediaferry.target.sftp.SftpTarget;
import dev.mediaferry.testing.OpenSshServer;
import dev.mediaferry.testing.SftpSettings;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** SftpTarget against the real OpenSSH sshd on 127.0.0.1. */
class OpenSshSftpTargetTest extends TargetContractTest {
  @TempDir static Path sshDir;
  static OpenSshServer server;

  @BeforeAll
  static void startServer() throws Exception {
    server = OpenSshServer.start(sshDir);
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  @Override
  Target open(Path base) throws Exception {
    server.grant(work);
    return SftpTarget.open(server.url(base), SftpSettings.of(server.identityFile(), server.knownHosts()));
  }
}
