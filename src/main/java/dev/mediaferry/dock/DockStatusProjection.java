package dev.mediaferry.dock;

import dev.mediaferry.file.ErrorKind;
import dev.mediaferry.file.FileEvent;
import dev.mediaferry.file.RecheckOutcome;
import dev.mediaferry.journal.FileIndex;
import dev.mediaferry.journal.ProjectionBesideIndex;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The dock's table as a projection of the journal: each file's events set the transfer
 * columns of the row with its path (docs/dock-db.md). Its offset is stored beside the file
 * index in the journal's file; the table is another file, so the two cannot commit together:
 * every write is an absolute value taken from the event (the attempt number, not "+ 1"), and
 * a batch applied twice after a crash leaves the row as once. It runs behind the file index,
 * which gives each event's file its path.
 */
public final class DockStatusProjection extends ProjectionBesideIndex {
  static final String NAME = "dock-status";
  private static final DateTimeFormatter SQLITE_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);
  private static final long INDEX_WAIT_MS = 30_000;

  private final DockTable table;
  private final Path sourceDir;

  public DockStatusProjection(DockTable table, FileIndex index, Path sourceDir) {
    super(index, NAME);
    this.table = table;
    this.sourceDir = sourceDir;
  }

  @Override
  public void apply(List<FileIndex.Change> changes, long newOffset) throws Exception {
    awaitIndex(newOffset);
    Set<String> ids = changes.stream().map(FileIndex.Change::fileId).collect(Collectors.toSet());
    Map<String, FileIndex.Row> rows = index.getAll(ids);
    List<DockTable.Update> updates = new ArrayList<>();
    for (FileIndex.Change change : changes) {
      FileIndex.Row row = rows.get(change.fileId());
      if (row != null && row.state().file() != null) {
        String path = sourceDir.resolve(row.state().file().relativePath()).toString();
        DockTable.Update update = update(path, change);
        if (update != null) {
          updates.add(update);
        }
      }
    }
    table.write(updates);
    storeOffset(newOffset);
  }

  /** What one event means for the row; null: nothing (the row keeps what it has). */
  static DockTable.Update update(String path, FileIndex.Change change) {
    String time = SQLITE_TIME.format(Instant.ofEpochMilli(change.timestamp()));
    FileEvent event = change.event();
    if (event instanceof FileEvent.TransferStarted e) {
      return new DockTable.Update(path, "downloading", time, null, e.attempt() - 1, null, false, true);
    } else if (event instanceof FileEvent.TransferFailed e) {
      // retried on our schedule (or taken again as a new file): pending; otherwise the file's final fate
      boolean again = e.retryAtMillis() != null || e.kind() == ErrorKind.SOURCE_CHANGED;
      return new DockTable.Update(path, again ? "pending" : "failed", null, null, e.attempt(), e.message(), false,
          true);
    } else if (event instanceof FileEvent.Verified) {
      return new DockTable.Update(path, "completed", null, time, null, null, true, false);
    } else if (event instanceof FileEvent.Released e) {
      return new DockTable.Update(path, "pending", null, null, null, "released by " + e.by() + " (" + e.reason()
          + "); it is sent again", false, false);
    } else if (event instanceof FileEvent.DeleteRechecked e && e.outcome() == RecheckOutcome.TARGET_COPY_BAD) {
      return new DockTable.Update(path, "pending", null, null, null,
          "the NAS copy failed its recheck before delete (" + e.message() + "); it is sent again", false, false);
    }
    return null;
  }

  /** The index must have applied every event of the batch, so each file's path is known. */
  private void awaitIndex(long offset) throws Exception {
    long deadline = System.currentTimeMillis() + INDEX_WAIT_MS;
    while (index.offset() < offset) {
      if (System.currentTimeMillis() > deadline) {
        throw new IllegalStateException("the file index stayed behind the journal for " + INDEX_WAIT_MS
            + " ms; the dock's table is updated once it catches up");
      }
      Thread.sleep(50); // on the blocking executor: the index projection runs beside us
    }
  }
}
