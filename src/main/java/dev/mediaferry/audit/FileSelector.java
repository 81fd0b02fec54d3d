package dev.mediaferry.audit;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;

/**
 * Which files `audit --file` means: a file id, a path under the source folder, a bare file
 * name (every file of that name, in any folder), or a glob (DJI_*.MP4 on the name,
 * flight-3/** on the path).
 */
public final class FileSelector {
  private final String given;
  private final PathMatcher glob;

  private FileSelector(String given, PathMatcher glob) {
    this.given = given;
    this.glob = glob;
  }

  public static FileSelector of(String given) {
    boolean isGlob = given.chars().anyMatch(c -> "*?[{".indexOf(c) >= 0);
    return new FileSelector(given, isGlob ? FileSystems.getDefault().getPathMatcher("glob:" + given) : null);
  }

  /** path: the file's path under the source folder, or null when not known yet. */
  public boolean matches(String fileId, String path) {
    if (given.equals(fileId)) {
      return true;
    }
    if (path == null) {
      return false;
    }
    String name = path.substring(path.lastIndexOf('/') + 1);
    if (glob != null) {
      return glob.matches(Path.of(path)) || glob.matches(Path.of(name));
    }
    return given.equals(path) || given.equals(name);
  }
}
