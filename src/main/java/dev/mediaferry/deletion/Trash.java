package dev.mediaferry.deletion;

import dev.mediaferry.file.LocalIdentity;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * The trash folder: a deleted source file is moved to {trash}/{yyyy-MM-dd}/{its relative
 * path} (the day it was deleted), so an operator can still restore it, and whole day
 * folders are purged once they are older than the retention.
 */
public final class Trash {
  private final Path dir;
  private final ZoneId zone;

  public Trash(Path dir, ZoneId zone) {
    this.dir = dir;
    this.zone = zone;
  }

  public Path dir() {
    return dir;
  }

  /**
   * Where the file will go: a free name in today's folder (made here). The daemon journals
   * this before the move, so a crash between the move and its journal entry can be finished.
   */
  public Path plan(String relativePath, Instant now) throws IOException {
    Path day = dir.resolve(LocalDate.ofInstant(now, zone).toString());
    Path dest = day.resolve(relativePath).normalize();
    if (!dest.startsWith(day)) {
      throw new IOException("relative path " + relativePath + " escapes the trash folder " + day);
    }
    Files.createDirectories(dest.getParent());
    for (int n = 1; Files.exists(dest, LinkOption.NOFOLLOW_LINKS); n++) {
      dest = dest.resolveSibling(relativeName(relativePath) + "~" + n);
    }
    return dest;
  }

  /**
   * Moves the source to dest (a planned name), then checks that what arrived is the file
   * that was rechecked: same file key (inode), size and mtime, so the same bytes that were
   * hashed. Anything else (the file was swapped in between) is moved back and refused.
   */
  public static void moveChecked(Path source, Path dest, LocalIdentity expected) throws IOException {
    Files.move(source, dest);
    LocalIdentity arrived = LocalIdentity.of(dest);
    if (!arrived.equals(expected)) {
      Files.move(dest, source);
      throw new IOException("the file moved to the trash (" + arrived + ") is not the one rechecked (" + expected
          + "); it was moved back to " + source + " and not deleted");
    }
  }

  /**
   * After a crash between the move and its journal entry: the source is gone and the planned
   * trash file holds the verified content. Returns true when that is so.
   */
  public static boolean holdsMovedFile(Path source, Path dest, String sha256) throws IOException {
    if (Files.exists(source, LinkOption.NOFOLLOW_LINKS) || !Files.isRegularFile(dest, LinkOption.NOFOLLOW_LINKS)) {
      return false;
    }
    return dev.mediaferry.targets.Sha256.of(dest).equals(sha256);
  }

  private static String relativeName(String relativePath) {
    return relativePath.substring(relativePath.lastIndexOf('/') + 1);
  }

  /** Deletes day folders whose whole day is older than retention; returns the folders removed. */
  public List<Path> purge(Duration retention, Instant now) throws IOException {
    List<Path> removed = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return removed;
    }
    try (DirectoryStream<Path> days = Files.newDirectoryStream(dir)) {
      for (Path day : days) {
        LocalDate date = parseDay(day);
        if (date != null && date.plusDays(1).atStartOfDay(zone).toInstant().plus(retention).isBefore(now)) {
          deleteTree(day);
          removed.add(day);
        }
      }
    }
    return removed;
  }

  private static LocalDate parseDay(Path day) {
    try {
      return LocalDate.parse(day.getFileName().toString());
    } catch (DateTimeParseException notOurs) {
      return null; // leave folders we did not make alone
    }
  }

  /** Removes a folder and everything under it, links removed as links, never followed. */
  public static void deleteTree(Path root) throws IOException {
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.delete(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
        Files.delete(d);
        return FileVisitResult.CONTINUE;
      }
    });
  }
}
