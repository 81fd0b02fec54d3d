package dev.mediaferry.storage;

import dev.mediaferry.file.FileState;
import dev.mediaferry.file.FileState.Status;
import dev.mediaferry.journal.FileIndex;
import dev.mediaferry.targets.RemoteLayout;
import dev.mediaferry.targets.RemoteStat;
import dev.mediaferry.targets.Target;
import dev.mediaferry.targets.TargetException;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Finds and removes the temp files that no attempt will come back for. A failed copy removes
 * its own temp file (trying for a few seconds); when the target stays unreachable for longer,
 * the temp file stays, and if the file's generation then ends (superseded, or quarantined)
 * nothing else would ever remove it. The temp name is derived from the file's final path
 * and its id, so the file index says whose it is.
 *
 * <p>Only a temp name of a file the index holds as superseded (for at least
 * {@link #SUPERSEDED_AGE}) or quarantined (for at least {@link #QUARANTINED_AGE}: an operator's
 * {@code retry} in that time continues a big upload from it) is removed, and the status is
 * looked up again right before. Final copies are never touched.
 */
public final class LeftoverTemps {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(LeftoverTemps.class);
  /** Long after the failed copy's own cleanup ended. */
  static final Duration SUPERSEDED_AGE = Duration.ofMinutes(10);
  static final Duration QUARANTINED_AGE = Duration.ofDays(7);
  /** Older endings were looked at by earlier runs; a start does not stat years of history again. */
  static final Duration LOOK_BACK = Duration.ofDays(30);

  /** What one sweep did; error: why it stopped early (the target unreachable), or null. */
  public record Swept(int looked, List<String> removed, String error) {}

  private final Target target;
  private final FileIndex index;
  private final RemoteLayout layout;
  /** Endings whose temp name was found absent or removed in this run: not looked at again. */
  private final Set<String> clean = new HashSet<>();

  public LeftoverTemps(Target target, FileIndex index, RemoteLayout layout) {
    this.target = target;
    this.index = index;
    this.layout = layout;
  }

  /** Blocking: one stat per file not yet known clean, one delete per leftover. */
  public Swept sweep(Instant now) throws SQLException {
    List<String> removed = new ArrayList<>();
    int looked = 0;
    for (FileIndex.Row row : endedWithoutACopy(now)) {
      FileState state = row.state();
      String fileId = state.file().fileId();
      String temp = RemoteLayout.tempPath(layout.finalPath(state.file().relativePath(), state.file().mtimeMillis()),
          fileId);
      looked++;
      try {
        Optional<RemoteStat> stat = target.stat(temp);
        if (stat.isEmpty()) {
          clean.add(ending(row));
        } else if (stat.get().regularFile() && stillEnded(fileId, row.state().status())) {
          target.delete(temp);
          removed.add(temp);
          clean.add(ending(row));
          LOG.info("[{}] removed the temp file {} on {} that its {} upload left behind", state.file().relativePath(),
              temp, target.describe(), state.status().name().toLowerCase(java.util.Locale.ROOT));
        }
      } catch (TargetException e) {
        if (e.kind() == dev.mediaferry.file.ErrorKind.TRANSIENT) {
          return new Swept(looked, removed, e.getMessage()); // unreachable: the rest waits for the next sweep
        }
        // this one file (permissions, say): said once per run, and the sweep goes on with the others
        clean.add(ending(row));
        LOG.warn("[{}] the temp file {} on {} that its upload left behind could not be removed: {}; remove it by "
            + "hand", state.file().relativePath(), temp, target.describe(), e.getMessage());
      }
    }
    return new Swept(looked, removed, null);
  }

  private List<FileIndex.Row> endedWithoutACopy(Instant now) throws SQLException {
    long lookBack = now.minus(LOOK_BACK).toEpochMilli();
    List<FileIndex.Row> rows = new ArrayList<>(
        index.byStatusChangedBetween(Status.SUPERSEDED, lookBack, now.minus(SUPERSEDED_AGE).toEpochMilli()));
    rows.addAll(index.byStatusChangedBetween(Status.QUARANTINED, lookBack, now.minus(QUARANTINED_AGE).toEpochMilli()));
    rows.removeIf(row -> row.state().file() == null || clean.contains(ending(row)));
    return rows;
  }

  /** One ending of a file: a file retried later may end again, with a temp file left again. */
  private static String ending(FileIndex.Row row) {
    return row.state().file().fileId() + "@" + row.lastSeq();
  }

  /** A retry or a rediscovery may have started a new attempt since the list was read. */
  private boolean stillEnded(String fileId, Status was) {
    try {
      return index.get(fileId).map(row -> row.state().status() == was).orElse(false);
    } catch (SQLException e) {
      return false; // not sure: leave it
    }
  }
}
