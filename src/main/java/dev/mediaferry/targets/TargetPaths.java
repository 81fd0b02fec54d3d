package dev.mediaferry.targets;

import dev.mediaferry.file.ErrorKind;

/** Checks on a path of the target that do not trust what a symbolic link points to. */
public final class TargetPaths {
  private TargetPaths() {}

  /**
   * The path is a regular file reached through real folders only: every folder on the way
   * from the base and the file itself are checked without following links. Used before any
   * removal the daemon decides on its own (retention), so it never leaves the target.
   */
  public static RemoteStat requireRegularFile(Target target, String path) throws TargetException {
    String[] parts = path.split("/");
    StringBuilder prefix = new StringBuilder();
    for (int i = 0; i < parts.length - 1; i++) {
      prefix.append(i == 0 ? "" : "/").append(parts[i]);
      RemoteStat folder = target.stat(prefix.toString()).orElse(null);
      if (folder == null || !folder.directory()) {
        throw new TargetException(ErrorKind.PERMANENT, path + " on " + target.describe() + " is not reached through "
            + "real folders (" + prefix + " is " + describe(folder) + "); left untouched");
      }
    }
    RemoteStat file = target.stat(path).orElse(null);
    if (file == null || !file.regularFile()) {
      throw new TargetException(ErrorKind.PERMANENT, path + " on " + target.describe() + " is " + describe(file)
          + ", not a regular file; left untouched");
    }
    return file;
  }

  private static String describe(RemoteStat stat) {
    if (stat == null) {
      return "missing";
    }
    return switch (stat.kind()) {
      case LINK -> "a symbolic link";
      case DIRECTORY -> "a folder";
      case FILE -> "a file";
      case OTHER -> "a special file";
    };
  }
}
