package dev.mediaferry.transfer;

import dev.mediaferry.file.FileState;
import dev.mediaferry.file.FileState.Status;
import dev.mediaferry.file.LocalIdentity;
import dev.mediaferry.journal.FileIndex;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * `mediaferry retry`: which files the operator's words name, and whether each may go again.
 * Used by the daemon (through its endpoints) and by the command when no daemon runs.
 */
public final class Releases {
  private Releases() {}

  /** The index rows named, and the names that match no file the journal knows. */
  public record Selection(List<FileIndex.Row> rows, List<String> notFound) {}

  /**
   * Each name is a path in the source folder (relative, or absolute under it); with
   * allQuarantined, every quarantined file too. Of a path's generations, the quarantined one
   * is taken, else a superseded one, else the latest (which will say why it cannot go).
   */
  public static Selection select(FileIndex index, Path sourceDir, List<String> names, boolean allQuarantined)
      throws SQLException {
    List<FileIndex.Row> rows = new ArrayList<>();
    List<String> notFound = new ArrayList<>();
    if (allQuarantined) {
      rows.addAll(index.byStatus(Status.QUARANTINED));
    }
    for (String name : names) {
      List<FileIndex.Row> generations = index.byPath(relative(sourceDir, name));
      if (generations.isEmpty()) {
        notFound.add(name);
      } else {
        FileIndex.Row chosen = generations.stream().max(Comparator
            .comparingInt((FileIndex.Row r) -> preference(r.state().status()))
            .thenComparingLong(FileIndex.Row::updatedAt)).orElseThrow();
        if (rows.stream().noneMatch(r -> r.state().file().fileId().equals(chosen.state().file().fileId()))) {
          rows.add(chosen);
        }
      }
    }
    return new Selection(rows, notFound);
  }

  private static int preference(Status status) {
    return status == Status.QUARANTINED ? 2 : status == Status.SUPERSEDED ? 1 : 0;
  }

  /** The outcome for a name that matched no file. */
  public static FileTransfer.ReleaseOutcome notFound(String name, Path sourceDir) {
    return new FileTransfer.ReleaseOutcome(name, false, "the journal knows no file at " + relative(sourceDir, name)
        + " (a path in the source folder " + sourceDir + "; see `mediaferry audit --state QUARANTINED`)");
  }

  /** The path as the journal records it: relative to the source folder. */
  static String relative(Path sourceDir, String name) {
    Path path = Path.of(name);
    if (path.isAbsolute() && path.normalize().startsWith(sourceDir.toAbsolutePath().normalize())) {
      return sourceDir.toAbsolutePath().normalize().relativize(path.normalize()).toString();
    }
    return path.normalize().toString();
  }

  /** Why the file may not be released now (null: it may); a superseded one only while its source is unchanged. */
  static String whyNot(FileState state, Path source) {
    boolean unchanged = false;
    if (state.status() == Status.SUPERSEDED) {
      try {
        unchanged = LocalIdentity.of(source).hasSizeAndTime(state.file().size(), state.file().mtimeMillis());
      } catch (IOException e) {
        unchanged = false; // gone or unreadable: nothing to send
      }
    }
    return state.whyNotReleasable(unchanged);
  }
}
