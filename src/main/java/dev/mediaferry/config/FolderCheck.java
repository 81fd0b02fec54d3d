package dev.mediaferry.config;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The folders of a configuration checked against each other on the real filesystem, before
 * the daemon starts: the source, a local target and the trash must not contain one another
 * (compared by real path, so a symbolic link does not hide an overlap), and the trash must
 * be on the source's filesystem, so the move into it is a rename, never a copy and delete.
 */
public final class FolderCheck {
  private FolderCheck() {}

  /** Throws {@link Settings.Invalid} naming the keys; creates the trash folder. */
  public static void check(Settings settings) {
    Path source = realPath(settings.source().dir());
    Path trash = realPath(settings.delete().trashDir());
    String url = settings.target().url();
    if (url.startsWith("file:")) {
      Path target = realPath(Path.of(url.substring("file:".length())).toAbsolutePath().normalize());
      refuseOverlap("mediaferry.source.dir", source, "mediaferry.target.url", target,
          "copies on the target would be offloaded again and deleted as their own originals");
      refuseOverlap("mediaferry.delete.trash-dir", trash, "mediaferry.target.url", target,
          "trashed files and target copies would mix");
    }
    refuseOverlap("mediaferry.source.dir", source, "mediaferry.delete.trash-dir", trash,
        "trashed files would be offloaded again");
    requireSameFilesystem(settings.source().dir(), settings.delete().trashDir());
  }

  private static void refuseOverlap(String keyA, Path a, String keyB, Path b, String why) {
    if (a.startsWith(b) || b.startsWith(a)) {
      String relation = a.equals(b) ? "is the same folder as" : a.startsWith(b) ? "is inside" : "contains";
      throw new Settings.Invalid(keyA + " (" + a + ") " + relation + " " + keyB + " (" + b + "): " + why
          + "; give them separate folders (compared by real path, symbolic links resolved)");
    }
  }

  private static void requireSameFilesystem(Path source, Path trashDir) {
    try {
      Files.createDirectories(trashDir);
      FileStore sourceStore = Files.getFileStore(source);
      FileStore trashStore = Files.getFileStore(trashDir);
      if (!sourceStore.equals(trashStore)) {
        throw new Settings.Invalid("mediaferry.delete.trash-dir (" + trashDir + ") is on another filesystem ("
            + trashStore + ") than mediaferry.source.dir (" + source + ", on " + sourceStore + "): the move to the "
            + "trash would be a copy and delete instead of a rename; put the trash folder on the source's filesystem");
      }
    } catch (IOException e) {
      throw new Settings.Invalid("mediaferry.delete.trash-dir (" + trashDir + ") cannot be created or read: " + e
          + "; create it or give the mediaferry user access");
    }
  }

  /** The real path of path, or of its nearest existing parent with the rest appended. */
  static Path realPath(Path path) {
    Path absolute = path.toAbsolutePath().normalize();
    Path existing = absolute;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing == null) {
      return absolute;
    }
    try {
      return existing.toRealPath().resolve(existing.relativize(absolute)).normalize();
    } catch (IOException e) {
      return absolute;
    }
  }
}
