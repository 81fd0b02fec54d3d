package dev.mediaferry.journal;

import dev.mediaferry.file.FileEvent;
import dev.mediaferry.file.FileState;
import dev.mediaferry.file.FileState.Status;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The read model: every file's current state in one table, kept up to date from the
 * journal's tagged event stream with the offset it has reached, so that status, audit
 * summaries and daemon start-up read one row per file instead of replaying history. It
 * lives in the journal's SQLite file and uses its own connection, one caller at a time.
 */
public final class FileIndex implements Projection, AutoCloseable {
  private static final String OFFSET_NAME = "file_index";

  /** One journaled event, as the index consumes it. */
  public record Change(String fileId, long sequenceNr, long timestamp, FileEvent event) {}

  /** A file's row: its state, the last sequence number applied and that event's time. */
  public record Row(FileState state, long lastSeq, long updatedAt) {}

  private final Connection connection;

  private FileIndex(Connection connection) {
    this.connection = connection;
  }

  public static FileIndex open(Path dbFile) throws IOException {
    try {
      // The index shares the journal's file. Its write transactions read rows, then write them:
      // begun DEFERRED, such a transaction fails at once with SQLITE_BUSY(_SNAPSHOT) when the
      // journal commits in between, whatever the busy timeout. IMMEDIATE takes the write lock
      // first, so the two writers queue on the busy timeout instead of colliding.
      org.sqlite.SQLiteConfig config = new org.sqlite.SQLiteConfig();
      config.setTransactionMode(org.sqlite.SQLiteConfig.TransactionMode.IMMEDIATE);
      config.setBusyTimeout(10_000);
      Connection connection = DriverManager.getConnection(JournalDatabase.url(dbFile), config.toProperties());
      try (Statement statement = connection.createStatement()) {
        for (String ddl : FileIndexRows.SCHEMA) {
          statement.execute(ddl);
        }
      }
      // reads run in autocommit: a read transaction left open would pin an old WAL snapshot
      return new FileIndex(connection);
    } catch (SQLException e) {
      throw new IOException("cannot open the file index in " + dbFile + ": " + e.getMessage(), e);
    }
  }

  public static String fileIdOf(String persistenceId) {
    return persistenceId.substring(persistenceId.indexOf('|') + 1);
  }

  /** The journal ordering up to which the index is complete. */
  @Override
  public synchronized long offset() throws SQLException {
    return offset(OFFSET_NAME);
  }

  /** The stored offset of a projection kept beside the index (0: none yet). */
  public synchronized long offset(String projection) throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(
        "SELECT last_ordering FROM projection_offset WHERE name = ?")) {
      select.setString(1, projection);
      try (ResultSet rs = select.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0;
      }
    }
  }

  /** Stores the offset of a projection kept beside the index (one that writes elsewhere). */
  public synchronized void storeOffset(String projection, long offset) throws SQLException {
    try (PreparedStatement upsert = connection.prepareStatement(
        "INSERT INTO projection_offset (name, last_ordering) VALUES (?, ?) "
            + "ON CONFLICT (name) DO UPDATE SET last_ordering = excluded.last_ordering")) {
      upsert.setString(1, projection);
      upsert.setLong(2, offset);
      upsert.executeUpdate();
    }
  }

  /** The ordering of the newest journaled event (0: none). */
  public synchronized long journalEnd() throws SQLException {
    try (Statement statement = connection.createStatement();
         ResultSet rs = statement.executeQuery("SELECT coalesce(max(ordering), 0) FROM event_journal")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** True when the index has every event of the journal (no catch-up needed). */
  @Override
  public synchronized boolean isCurrent() throws SQLException {
    return journalEnd() <= offset();
  }

  /** Applies a batch of changes and moves the offset, in one transaction. */
  @Override
  public synchronized void apply(List<Change> changes, long newOffset) throws SQLException {
    connection.setAutoCommit(false);
    try {
      Map<String, Row> rows = new HashMap<>();
      for (Change change : changes) {
        Row row = rows.containsKey(change.fileId()) ? rows.get(change.fileId()) : get(change.fileId()).orElse(null);
        if (row != null && change.sequenceNr() <= row.lastSeq()) {
          continue; // already applied (a replay after a crash between batches)
        }
        FileState before = row == null ? FileState.EMPTY : row.state();
        rows.put(change.fileId(), new Row(before.apply(change.event()), change.sequenceNr(),
            change.timestamp()));
      }
      for (var entry : rows.entrySet()) {
        FileIndexRows.write(connection, entry.getKey(), entry.getValue());
      }
      storeOffset(OFFSET_NAME, newOffset);
      connection.commit();
    } catch (SQLException | RuntimeException e) {
      connection.rollback();
      throw e;
    } finally {
      connection.setAutoCommit(true);
    }
  }

  public synchronized Optional<Row> get(String fileId) throws SQLException {
    try (PreparedStatement select = connection.prepareStatement("SELECT * FROM file_index WHERE file_id = ?")) {
      select.setString(1, fileId);
      try (ResultSet rs = select.executeQuery()) {
        return rs.next() ? Optional.of(FileIndexRows.read(rs)) : Optional.empty();
      }
    }
  }

  /** Rows of the given files that the index knows, by file id. */
  public synchronized Map<String, Row> getAll(java.util.Collection<String> fileIds) throws SQLException {
    Map<String, Row> rows = new HashMap<>();
    for (String fileId : fileIds) {
      get(fileId).ifPresent(row -> rows.put(fileId, row));
    }
    return rows;
  }

  public synchronized List<Row> byPath(String path) throws SQLException {
    return query("SELECT * FROM file_index WHERE path = ? ORDER BY updated_at", path);
  }

  public synchronized List<Row> byStatus(Status status) throws SQLException {
    return query("SELECT * FROM file_index WHERE status = ? ORDER BY updated_at", status.name());
  }

  /** Files in the status whose last change was between the two times (inclusive), oldest first. */
  public synchronized List<Row> byStatusChangedBetween(Status status, long fromMillis, long toMillis)
      throws SQLException {
    return query("SELECT * FROM file_index WHERE status = ? AND updated_at BETWEEN ? AND ? ORDER BY updated_at",
        status.name(), fromMillis, toMillis);
  }

  /** Files that ended (deleted or superseded) before the time, for archiving. */
  public synchronized List<Row> finishedBefore(long timeMillis) throws SQLException {
    return query("SELECT * FROM file_index WHERE status IN ('DELETED', 'SUPERSEDED') AND updated_at < ? "
        + "ORDER BY updated_at", timeMillis);
  }

  /** Removes archived files: their events, snapshots and index rows, in one transaction. */
  public synchronized void removeArchived(java.util.Collection<String> fileIds) throws SQLException {
    try (Statement pragma = connection.createStatement();
         PreparedStatement events = connection.prepareStatement("DELETE FROM event_journal WHERE persistence_id = ?");
         PreparedStatement snapshots = connection.prepareStatement("DELETE FROM snapshot WHERE persistence_id = ?");
         PreparedStatement rows = connection.prepareStatement("DELETE FROM file_index WHERE file_id = ?")) {
      pragma.execute("PRAGMA foreign_keys=ON"); // tag rows go with their events (set outside a transaction)
      connection.setAutoCommit(false);
      for (String fileId : fileIds) {
        String persistenceId = FileEvent.persistenceId(fileId);
        events.setString(1, persistenceId);
        events.executeUpdate();
        snapshots.setString(1, persistenceId);
        snapshots.executeUpdate();
        rows.setString(1, fileId);
        rows.executeUpdate();
      }
      connection.commit();
    } catch (SQLException e) {
      connection.rollback();
      throw e;
    } finally {
      connection.setAutoCommit(true);
    }
  }

  /** Files whose local copy is deleted and whose target copy is still there, oldest first (retention). */
  public synchronized List<Row> deletedOldestFirst(int limit) throws SQLException {
    return query("SELECT * FROM file_index WHERE status = 'DELETED' AND remote_path IS NOT NULL "
        + "ORDER BY updated_at LIMIT ?", limit);
  }

  /**
   * Target paths some file still relies on: one whose local copy may exist (any state but
   * deleted, purged or superseded), or one deleted locally at or after the given time (inside
   * keep-days). Two files of equal content can share one target copy, so retention must not
   * remove a path on behalf of one while another still counts on it.
   */
  public synchronized java.util.Set<String> remotePathsReliedOn(long deletedSinceMillis) throws SQLException {
    java.util.Set<String> paths = new java.util.HashSet<>();
    try (PreparedStatement select = connection.prepareStatement("SELECT DISTINCT remote_path FROM file_index "
        + "WHERE remote_path IS NOT NULL AND (status NOT IN ('DELETED', 'PURGED', 'SUPERSEDED') "
        + "OR (status = 'DELETED' AND updated_at >= ?))")) {
      select.setLong(1, deletedSinceMillis);
      try (ResultSet rs = select.executeQuery()) {
        while (rs.next()) {
          paths.add(rs.getString(1));
        }
      }
    }
    return paths;
  }

  /** Every target path the journal knows a file at, with that file's status. */
  public synchronized Map<String, Status> remotePaths() throws SQLException {
    Map<String, Status> paths = new HashMap<>();
    try (Statement statement = connection.createStatement();
         ResultSet rs = statement.executeQuery("SELECT remote_path, status FROM file_index WHERE remote_path IS NOT NULL")) {
      while (rs.next()) {
        paths.put(rs.getString(1), Status.valueOf(rs.getString(2)));
      }
    }
    return paths;
  }

  /** Bytes of files verified (or verified and since deleted locally) whose last event is at or after the time. */
  public synchronized long bytesVerifiedSince(long timeMillis) throws SQLException {
    try (PreparedStatement select = connection.prepareStatement("SELECT coalesce(sum(bytes), 0) FROM file_index "
        + "WHERE status IN ('VERIFIED', 'PENDING_DELETE', 'DELETED') AND updated_at >= ?")) {
      select.setLong(1, timeMillis);
      try (ResultSet rs = select.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  public synchronized Map<Status, Long> counts() throws SQLException {
    Map<Status, Long> counts = new EnumMap<>(Status.class);
    try (Statement statement = connection.createStatement();
         ResultSet rs = statement.executeQuery("SELECT status, count(*) FROM file_index GROUP BY status")) {
      while (rs.next()) {
        counts.put(Status.valueOf(rs.getString(1)), rs.getLong(2));
      }
    }
    return counts;
  }

  /** Empties the index and its offset, for a rebuild from the journal. */
  public synchronized void clear() throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute("DELETE FROM file_index");
      statement.execute("DELETE FROM projection_offset");
    }
  }

  private List<Row> query(String sql, Object... parameters) throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(sql)) {
      for (int i = 0; i < parameters.length; i++) {
        select.setObject(i + 1, parameters[i]);
      }
      List<Row> rows = new ArrayList<>();
      try (ResultSet rs = select.executeQuery()) {
        while (rs.next()) {
          rows.add(FileIndexRows.read(rs));
        }
      }
      return rows;
    }
  }

  @Override
  public void close() {
    try {
      connection.close();
    } catch (SQLException ignored) {
      // closing
    }
  }
}
