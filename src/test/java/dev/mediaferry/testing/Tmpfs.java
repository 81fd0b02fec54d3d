package dev.mediaferry.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** A small tmpfs mounted on a folder (as root): a second filesystem, or a disk that fills up. */
public final class Tmpfs implements AutoCloseable {
  private final Path dir;

  private Tmpfs(Path dir) {
    this.dir = dir;
  }

  /** Mounts a tmpfs of the given size ("4m") on dir, made when missing; needs root (fails in CI without). */
  public static Tmpfs mount(Path dir, String size) throws Exception {
    OpenSshServer.requireRoot("mounting a tmpfs");
    Files.createDirectories(dir);
    OpenSshServer.run("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", dir.toString());
    return new Tmpfs(dir);
  }

  public Path dir() {
    return dir;
  }

  @Override
  public void close() throws Exception {
    OpenSshServer.run("umount", dir.toString());
  }
}
