package dev.mediaferry.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** One real OpenSSH sshd per test class: {@code @RegisterExtension static final OpenSshExtension ssh = ...}. */
public final class OpenSshExtension implements BeforeAllCallback, AfterAllCallback {
  private OpenSshServer server;
  private Path dir;

  public OpenSshServer server() {
    return server;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    dir = Files.createTempDirectory("mediaferry-sshd-");
    server = OpenSshServer.start(dir);
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    if (server != null) {
      server.close();
    }
    if (dir != null) {
      TestFiles.listFiles(dir).forEach(p -> p.toFile().delete());
      dir.toFile().delete();
    }
  }
}
