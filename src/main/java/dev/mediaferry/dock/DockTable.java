package dev.mediaferry.dock;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteErrorCode;

/**
 * The dock software's table media_transfer_status, shared with its writer (docs/dock-db.md).
 * We read ready rows and write the transfer columns, never the download ones. Every write is
 * one short transaction that takes the write lock up front (BEGIN IMMEDIATE) and holds it for
 * a few row updates only; a busy lock is waited for at most busyTimeout, then retried after a
 * growing, jittered pause, so the dock's writer never waits long behind us.
 */
public final class DockTable implements AutoCloseable {
  public static final String TABLE = "media_transfer_status";
  /** The table, its indexes and the updated_at trigger, as the field's dock software creates them. */
  static final String[] SCHEMA = {
    """
    CREATE TABLE IF NOT EXISTS media_transfer_status (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      file_path TEXT UNIQUE NOT NULL,
      file_name TEXT NOT NULL,
      file_size INTEGER,
      file_hash TEXT,
      download_status TEXT,
      download_start_time TIMESTAMP,
      download_end_time TIMESTAMP,
      download_retry_count INTEGER DEFAULT 0,
      transfer_status TEXT,
      transfer_start_time TIMESTAMP,
      transfer_end_time TIMESTAMP,
      transfer_retry_count INTEGER DEFAULT 0,
      last_error_message TEXT,
      created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
      updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP)""",
    "CREATE INDEX IF NOT EXISTS idx_download_status ON media_transfer_status (download_status)",
    "CREATE INDEX IF NOT EXISTS idx_transfer_status ON media_transfer_status (transfer_status)",
    "CREATE INDEX IF NOT EXISTS idx_created_at ON media_transfer_status (created_at)",
    """
    CREATE TRIGGER IF NOT EXISTS update_media_transfer_status_timestamp
      AFTER UPDATE ON media_transfer_status
      BEGIN
        UPDATE media_transfer_status SET updated_at = CURRENT_TIMESTAMP WHERE id = NEW.id;
      END""",
  };
  private static final int MAX_TRIES = 12;
  private static final long FIRST_PAUSE_MS = 20;
  private static final long MAX_PAUSE_MS = 2_000;

  /** A row the dock reports downloaded and not yet transferred. */
  public record Row(long id, String filePath, String fileName, Long fileSize, String fileHash) {}

  /** The transfer columns of one row (by file_path) after an event; null leaves a column as it is. */
  /**
   * keepsCompleted: this update leaves a completed row alone. An attempt's start or end may come
   * from an older generation of the path, taken up after the newer one completed the row.
   */
  public record Update(String filePath, String status, String startTime, String endTime, Integer retryCount,
      String errorMessage, boolean clearError, boolean keepsCompleted) {}

  private final Path file;
  private final Connection connection;
  private final int batchSize;
  private volatile long longestLockWaitMs;

  private DockTable(Path file, Connection connection, int batchSize) {
    this.file = file;
    this.connection = connection;
    this.batchSize = batchSize;
  }

  /** Creates the table (and the database file) as the field has it; nothing changes where it exists. */
  public static void init(Path file) throws SQLException {
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
         Statement statement = connection.createStatement()) {
      statement.execute("PRAGMA journal_mode=WAL");
      for (String ddl : SCHEMA) {
        statement.execute(ddl);
      }
    }
  }

  /** Opens the dock's database; fails naming the file when it or the table is missing. */
  public static DockTable open(Path file, Duration busyTimeout, int batchSize) throws SQLException {
    if (!java.nio.file.Files.isRegularFile(file)) {
      throw new SQLException("the dock's database " + file + " does not exist (mediaferry.legacy-db.path); for a "
          + "new install create it with: mediaferry db init-legacy --path " + file);
    }
    SQLiteConfig config = new SQLiteConfig();
    config.setBusyTimeout((int) busyTimeout.toMillis());
    config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
    config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
    Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file, config.toProperties());
    DockTable table = new DockTable(file, connection, batchSize);
    try {
      table.withRetry(() -> {
        try (Statement statement = connection.createStatement()) {
          statement.execute("PRAGMA journal_mode=WAL"); // the dock's writer uses WAL; a no-op when it is set
          try (ResultSet rs = statement.executeQuery(
              "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '" + TABLE + "'")) {
            if (!rs.next() || rs.getInt(1) == 0) {
              throw new SQLException("the dock's database " + file + " has no table " + TABLE
                  + "; is mediaferry.legacy-db.path the dock's database? (mediaferry db init-legacy creates it)");
            }
          }
        }
        return null;
      });
    } catch (SQLException e) {
      table.close();
      throw e;
    }
    return table;
  }

  public Path file() {
    return file;
  }

  /** Rows downloaded and waiting for transfer, oldest first (read in autocommit: no lock held after). */
  public synchronized List<Row> ready(int limit) throws SQLException {
    return withRetry(() -> {
      List<Row> rows = new ArrayList<>();
      try (PreparedStatement select = connection.prepareStatement("SELECT id, file_path, file_name, file_size, "
          + "file_hash FROM media_transfer_status WHERE download_status = 'completed' AND transfer_status = 'pending' "
          + "ORDER BY created_at, id LIMIT ?")) {
        select.setInt(1, limit);
        try (ResultSet rs = select.executeQuery()) {
          while (rs.next()) {
            long size = rs.getLong(4);
            rows.add(new Row(rs.getLong(1), rs.getString(2), rs.getString(3), rs.wasNull() ? null : size,
                rs.getString(5)));
          }
        }
      }
      return rows;
    });
  }

  /**
   * A row as the dock writes one for a downloaded file (for `mediaferry smoke --via legacy-db`
   * only: in service the dock writes its rows itself).
   */
  public synchronized void registerDownloaded(Path path, long size) throws SQLException {
    withRetry(() -> inTransaction(() -> {
      try (PreparedStatement insert = connection.prepareStatement("INSERT INTO media_transfer_status (file_path, "
          + "file_name, file_size, file_hash, download_status, download_start_time, download_end_time, "
          + "transfer_status) VALUES (?, ?, ?, '', 'completed', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 'pending')")) {
        insert.setString(1, path.toString());
        insert.setString(2, path.getFileName().toString());
        insert.setLong(3, size);
        insert.executeUpdate();
      }
    }));
  }

  /** A row's transfer_status and last_error_message, or null when there is no row for the path. */
  public synchronized String[] transferStatus(Path path) throws SQLException {
    return withRetry(() -> {
      try (PreparedStatement select = connection.prepareStatement(
          "SELECT transfer_status, last_error_message FROM media_transfer_status WHERE file_path = ?")) {
        select.setString(1, path.toString());
        try (ResultSet rs = select.executeQuery()) {
          return rs.next() ? new String[] {rs.getString(1), rs.getString(2)} : null;
        }
      }
    });
  }

  /** A row we cannot take: marked failed with the reason, so the operator sees it on the row. */
  public synchronized void refuse(long id, String message) throws SQLException {
    withRetry(() -> inTransaction(() -> {
      try (PreparedStatement update = connection.prepareStatement("UPDATE media_transfer_status SET "
          + "transfer_status = 'failed', last_error_message = ? WHERE id = ? AND transfer_status = 'pending'")) {
        update.setString(1, message);
        update.setLong(2, id);
        update.executeUpdate();
      }
    }));
  }

  /** Writes updates in order, batchSize rows per transaction; idempotent (absolute values). */
  public synchronized void write(List<Update> updates) throws SQLException {
    for (int from = 0; from < updates.size(); from += batchSize) {
      List<Update> batch = updates.subList(from, Math.min(updates.size(), from + batchSize));
      withRetry(() -> inTransaction(() -> writeBatch(batch)));
    }
  }

  private void writeBatch(List<Update> batch) throws SQLException {
    try (PreparedStatement update = connection.prepareStatement("UPDATE media_transfer_status SET "
        + "transfer_status = ?, transfer_start_time = coalesce(?, transfer_start_time), "
        + "transfer_end_time = coalesce(?, transfer_end_time), "
        + "transfer_retry_count = coalesce(?, transfer_retry_count), "
        + "last_error_message = CASE WHEN ? THEN NULL ELSE coalesce(?, last_error_message) END "
        + "WHERE file_path = ? AND NOT (? AND transfer_status IS 'completed')")) {
      for (Update u : batch) {
        update.setString(1, u.status());
        update.setString(2, u.startTime());
        update.setString(3, u.endTime());
        update.setObject(4, u.retryCount());
        update.setBoolean(5, u.clearError());
        update.setString(6, u.errorMessage());
        update.setString(7, u.filePath());
        update.setBoolean(8, u.keepsCompleted());
        update.addBatch();
      }
      update.executeBatch();
    }
  }

  /** The longest wait of ours for the dock's lock so far (milliseconds, retries included). */
  public long longestLockWaitMs() {
    return longestLockWaitMs;
  }

  private interface Work<T> {
    T run() throws SQLException;
  }

  private interface Step {
    void run() throws SQLException;
  }

  private Void inTransaction(Step step) throws SQLException {
    connection.setAutoCommit(false); // BEGIN IMMEDIATE (the connection's transaction mode)
    try {
      step.run();
      connection.commit();
      return null;
    } catch (SQLException | RuntimeException e) {
      connection.rollback();
      throw e;
    } finally {
      connection.setAutoCommit(true);
    }
  }

  /** SQLITE_BUSY: pause (exponential, with jitter) and try again; other errors go up at once. */
  private <T> T withRetry(Work<T> work) throws SQLException {
    long started = System.nanoTime();
    for (int attempt = 1; ; attempt++) {
      try {
        T result = work.run();
        longestLockWaitMs = Math.max(longestLockWaitMs, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        return result;
      } catch (SQLException e) {
        if (!isBusy(e) || attempt >= MAX_TRIES) {
          throw attempt >= MAX_TRIES ? new SQLException("the dock's database " + file + " stayed locked through "
              + MAX_TRIES + " tries (" + e.getMessage() + "); trying again later", e) : e;
        }
        pause(attempt);
      }
    }
  }

  private static boolean isBusy(SQLException e) {
    int code = e.getErrorCode() & 0xff;
    return code == SQLiteErrorCode.SQLITE_BUSY.code || code == SQLiteErrorCode.SQLITE_LOCKED.code;
  }

  private static void pause(int attempt) {
    long ceiling = Math.min(MAX_PAUSE_MS, FIRST_PAUSE_MS << Math.min(attempt, 10));
    try {
      Thread.sleep(ThreadLocalRandom.current().nextLong(ceiling / 2, ceiling + 1));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public synchronized void close() {
    try {
      connection.close();
    } catch (SQLException ignored) {
      // closing
    }
  }
}
