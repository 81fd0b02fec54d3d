package dev.mediaferry.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes media_transfer_status the way the dock software (dock_info_manager) does: WAL,
 * synchronous NORMAL, busy_timeout 5 s (the field's setting), and per file INSERT OR IGNORE
 * pending/pending, downloading with its start time, the bytes written, completed with its end
 * time. Every call is timed and a "database is locked" counted, never retried (the dock does
 * not retry either). As main(), it is the dock as a separate OS process; beside it a second
 * connection hammers the table with reads and updates of the dock's own columns.
 */
public final class DockWriter implements AutoCloseable {
  public static final int BUSY_TIMEOUT_MS = 5_000;

  private final Connection connection;
  private final AtomicLong longestCallNanos = new AtomicLong();
  private final AtomicLong lockedErrors = new AtomicLong();
  private volatile String firstLockError = "";

  public DockWriter(Path db) throws SQLException {
    connection = open(db);
  }

  /** A connection to the dock's database as the dock software opens it: WAL, 5 s busy timeout. */
  public static Connection open(Path db) throws SQLException {
    Connection connection = DriverManager.getConnection("jdbc:sqlite:" + db);
    try (Statement statement = connection.createStatement()) {
      statement.execute("PRAGMA journal_mode=WAL");
      statement.execute("PRAGMA synchronous=NORMAL");
      statement.execute("PRAGMA busy_timeout=" + BUSY_TIMEOUT_MS);
    }
    return connection;
  }

  /** Downloads one file as the dock does: its row goes pending → downloading → completed. */
  public Path download(Path file, long size, long seed) throws SQLException {
    String path = file.toAbsolutePath().toString();
    call("INSERT OR IGNORE INTO media_transfer_status (file_path, file_name, file_size, file_hash, "
        + "download_status, transfer_status) VALUES (?, ?, ?, '', 'pending', 'pending')",
        path, file.getFileName().toString(), size);
    call("UPDATE media_transfer_status SET download_status = 'downloading', download_start_time = CURRENT_TIMESTAMP "
        + "WHERE file_path = ?", path);
    TestFiles.write(file, size, seed);
    call("UPDATE media_transfer_status SET download_status = 'completed', download_end_time = CURRENT_TIMESTAMP "
        + "WHERE file_path = ?", path);
    return file;
  }

  /** A row for a file that is already there (or not), with the size and hash given. */
  public void completedRow(String path, Long size, String hash) throws SQLException {
    call("INSERT INTO media_transfer_status (file_path, file_name, file_size, file_hash, download_status, "
        + "transfer_status) VALUES (?, ?, ?, ?, 'completed', 'pending')", path, Path.of(path).getFileName().toString(),
        size, hash);
  }

  /** One statement, timed; "database is locked" is counted and the update is lost, as in the field. */
  public int call(String sql, Object... parameters) throws SQLException {
    long started = System.nanoTime();
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      for (int i = 0; i < parameters.length; i++) {
        statement.setObject(i + 1, parameters[i]);
      }
      return statement.executeUpdate();
    } catch (SQLException e) {
      if (String.valueOf(e.getMessage()).contains("locked") || String.valueOf(e.getMessage()).contains("BUSY")) {
        if (lockedErrors.getAndIncrement() == 0) {
          firstLockError = e.getMessage() + " on " + sql;
        }
        return 0;
      }
      throw e;
    } finally {
      longestCallNanos.accumulateAndGet(System.nanoTime() - started, Math::max);
    }
  }

  public long longestCallMs() {
    return TimeUnit.NANOSECONDS.toMillis(longestCallNanos.get());
  }

  public long lockedErrors() {
    return lockedErrors.get();
  }

  @Override
  public void close() throws SQLException {
    connection.close();
  }

  /** Reads and rewrites the dock's own columns of random rows until stopped. */
  private static Thread hammer(Path db, AtomicBoolean stop, DockWriter stats) {
    Thread thread = new Thread(() -> {
      Random random = new Random(1);
      try (DockWriter other = new DockWriter(db)) {
        while (!stop.get()) {
          long started = System.nanoTime();
          long maxId;
          try (Statement statement = other.connection.createStatement();
               ResultSet rs = statement.executeQuery("SELECT count(*), max(id) FROM media_transfer_status "
                   + "WHERE transfer_status = 'completed'")) {
            rs.next();
            maxId = Math.max(1, rs.getLong(2));
          } // closed before the write: a read left open would pin its snapshot and make the write fail BUSY
          stats.longestCallNanos.accumulateAndGet(System.nanoTime() - started, Math::max);
          other.call("UPDATE media_transfer_status SET download_retry_count = download_retry_count "
              + "WHERE id = ?", 1 + random.nextInt((int) maxId));
        }
        stats.lockedErrors.addAndGet(other.lockedErrors());
        if (stats.firstLockError.isEmpty()) {
          stats.firstLockError = other.firstLockError;
        }
        stats.longestCallNanos.accumulateAndGet(other.longestCallNanos.get(), Math::max);
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
    }, "dock-hammer");
    thread.start();
    return thread;
  }

  /** args: database, media folder, files, bytes per file, stats file (written at the end). */
  public static void main(String[] args) throws Exception {
    Path db = Path.of(args[0]);
    Path media = Path.of(args[1]);
    int files = Integer.parseInt(args[2]);
    long size = Long.parseLong(args[3]);
    AtomicBoolean stop = new AtomicBoolean();
    try (DockWriter writer = new DockWriter(db)) {
      Thread hammer = hammer(db, stop, writer);
      for (int i = 0; i < files; i++) {
        writer.download(media.resolve("flight/DJI_" + String.format("%04d", i) + ".JPG"), size, i);
      }
      stop.set(true);
      hammer.join();
      Files.writeString(Path.of(args[4]), "files=" + files + " longestCallMs=" + writer.longestCallMs()
          + " lockedErrors=" + writer.lockedErrors() + " first=" + writer.firstLockError + "\n");
    }
  }

  /** Starts main() in its own JVM. */
  public static Process start(Path db, Path media, int files, long size, Path stats) throws Exception {
    return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
        "-cp", System.getProperty("java.class.path"), DockWriter.class.getName(), db.toString(), media.toString(),
        String.valueOf(files), String.valueOf(size), stats.toString())
        .redirectErrorStream(true).redirectOutput(stats.resolveSibling("dock-writer.log").toFile()).start();
  }
}
