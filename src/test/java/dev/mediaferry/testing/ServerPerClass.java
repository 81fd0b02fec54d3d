package dev.mediaferry.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** One server per test class, started in a temp folder of its own (keys, config) and removed with it. */
public class ServerPerClass<S extends AutoCloseable> implements BeforeAllCallback, AfterAllCallback {

  /** Starts the server with its files in dir. */
  public interface Starter<S> {
    S start(Path dir) throws Exception;
  }

  private final String folderPrefix;
  private final Starter<S> starter;
  private S server;
  private Path dir;

  protected ServerPerClass(String folderPrefix, Starter<S> starter) {
    this.folderPrefix = folderPrefix;
    this.starter = starter;
  }

  public S server() {
    return server;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    dir = Files.createTempDirectory(folderPrefix);
    server = starter.start(dir);
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
