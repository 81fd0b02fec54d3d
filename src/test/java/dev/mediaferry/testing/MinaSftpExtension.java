package dev.mediaferry.testing;

import dev.mediaferry.demo.InProcessSftpServer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** One in-process MINA SFTP server per test class: {@code @RegisterExtension static final MinaSftpExtension sftp = ...}. */
public final class MinaSftpExtension implements BeforeAllCallback, AfterAllCallback {
  private InProcessSftpServer server;
  private Path keys;

  public InProcessSftpServer server() {
    return server;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    keys = Files.createTempDirectory("mediaferry-mina-");
    server = InProcessSftpServer.start(keys);
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    if (server != null) {
      server.close();
    }
    if (keys != null) {
      TestFiles.listFiles(keys).forEach(p -> p.toFile().delete());
      keys.toFile().delete();
    }
  }
}
