package dev.mediaferry.targets;

import dev.mediaferry.demo.InProcessSftpServer;
import dev.mediaferry.targets.sftp.SftpTarget;
import dev.mediaferry.testing.SftpSettings;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** SftpTarget against Apache MINA SSHD in this process: the fast SFTP tests. */
class MinaSftpTargetTest extends TargetContractTest {
  @TempDir static Path keys;
  static InProcessSftpServer server;

  @BeforeAll
  static void startServer() throws Exception {
    server = InProcessSftpServer.start(keys);
  }

  @AfterAll
  static void stopServer() throws Exception {
    server.close();
  }

  @Override
  Target open(Path base) throws Exception {
    return SftpTarget.open(server.url(base), SftpSettings.of(server.identityFile(), server.knownHosts()));
  }
}
