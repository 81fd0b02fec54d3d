package dev.mediaferry.discovery;

import dev.mediaferry.file.FileInfo;
import dev.mediaferry.targets.RemoteLayout;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One walk of the source folder: regular files only, never following symlinks (so nothing
 * outside the root is taken), skipping hidden names, our temp names and the exclude globs.
 */
public final class SourceScan {
  private static final Logger LOG = LoggerFactory.getLogger(SourceScan.class);

  private final Path root;
  /** Globs with a '/' match the path under the root; others match the file name, like .gitignore. */
  private final List<PathMatcher> pathExcludes;
  private final List<PathMatcher> nameExcludes;

  public SourceScan(Path root, List<String> excludeGlobs) {
    this.root = root;
    this.pathExcludes = matchers(excludeGlobs.stream().filter(g -> g.contains("/")).toList());
    this.nameExcludes = matchers(excludeGlobs.stream().filter(g -> !g.contains("/")).toList());
  }

  private static List<PathMatcher> matchers(List<String> globs) {
    return globs.stream().map(g -> FileSystems.getDefault().getPathMatcher("glob:" + g)).toList();
  }

  /** Files whose names the last run could not represent (not valid UTF-8): never taken, reported. */
  private volatile List<String> unrepresentable = List.of();

  public List<String> unrepresentable() {
    return unrepresentable;
  }

  public List<FileInfo> run() throws IOException {
    List<FileInfo> files = new ArrayList<>();
    List<String> badNames = new ArrayList<>();
    if (!Files.isDirectory(root)) {
      throw new IOException("source folder " + root + " does not exist; create it or fix mediaferry.source.dir");
    }
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
        return dir.equals(root) || !skipped(dir) ? FileVisitResult.CONTINUE : FileVisitResult.SKIP_SUBTREE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
        if (attrs.isRegularFile() && !skipped(file) && !representable(file)) {
          badNames.add(relative(file)); // Java decoded it lossily: that name cannot be opened again
        } else if (attrs.isRegularFile() && !skipped(file)) {
          files.add(FileInfo.of(relative(file), attrs.size(), attrs.lastModifiedTime().toMillis(),
              attrs.fileKey() == null ? null : attrs.fileKey().toString()));
        }
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFileFailed(Path file, IOException e) {
        LOG.warn("cannot read {} during scan: {}; check its permissions", file, e.toString());
        return FileVisitResult.CONTINUE;
      }
    });
    unrepresentable = List.copyOf(badNames);
    return files;
  }

  /** A name that is not valid UTF-8 decodes with U+FFFD in it; opening that string finds nothing. */
  private static boolean representable(Path file) {
    return file.getFileName().toString().indexOf('\uFFFD') < 0;
  }

  private boolean skipped(Path path) {
    String name = path.getFileName().toString();
    if (name.startsWith(".") || RemoteLayout.isTempName(name)) {
      return true;
    }
    Path rel = root.relativize(path);
    return pathExcludes.stream().anyMatch(m -> m.matches(rel))
        || nameExcludes.stream().anyMatch(m -> m.matches(path.getFileName()));
  }

  private String relative(Path file) {
    return root.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
  }
}
