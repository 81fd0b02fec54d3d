package dev.mediaferry.logship;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The log files to follow: regular files in one folder whose names match the pattern, a glob
 * ("ramnit_*.log") or a dated name ("ramnit_{date}.log"). Each is listed with its identity
 * (the file key: device and inode) and the day its lines belong to (the yyyy-MM-dd in its name).
 */
final class LogFiles {
  private static final Pattern DAY = Pattern.compile("(\\d{4}-\\d{2}-\\d{2})");

  /** One file as listed now; day null when its name holds no date. */
  record Listed(Path path, String fileKey, long size, LocalDate day) {}

  private final Path dir;
  private final PathMatcher matcher;

  LogFiles(Path dir, String pattern) {
    this.dir = dir;
    this.matcher = FileSystems.getDefault().getPathMatcher("glob:" + pattern.replace("{date}", "*"));
  }

  Path dir() {
    return dir;
  }

  /** Oldest name first (dated names sort by day); a missing folder lists nothing. */
  List<Listed> list() throws IOException {
    List<Listed> files = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return files;
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, p -> matcher.matches(p.getFileName()))) {
      for (Path path : entries) {
        BasicFileAttributes attributes;
        try {
          attributes = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException gone) {
          continue; // removed between the listing and the stat
        }
        if (attributes.isRegularFile() && attributes.fileKey() != null) {
          files.add(new Listed(path, attributes.fileKey().toString(), attributes.size(), dayOf(path)));
        }
      }
    }
    files.sort(Comparator.comparing(l -> l.path().getFileName().toString()));
    return files;
  }

  static LocalDate dayOf(Path path) {
    Matcher m = DAY.matcher(path.getFileName().toString());
    if (!m.find()) {
      return null;
    }
    try {
      return LocalDate.parse(m.group(1));
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
