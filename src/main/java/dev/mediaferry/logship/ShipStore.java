package dev.mediaferry.logship;

import dev.mediaferry.logship.Shipper.Total;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The log shipper's journal, logship.db in the state folder (SQLite, WAL): the files followed
 * and their offsets, the batches (written before their upload, marked acknowledged after a 2xx
 * answer), the items already sent per day (dedup), and running totals for status and metrics.
 * A batch, the seen-marks of its items and the file's read offset are one transaction, so a
 * crash leaves either all of them or none. One connection, used by one thread at a time.
 */
final class ShipStore implements AutoCloseable {
  static final String FILE_NAME = "logship.db";

  private static final List<String> SCHEMA = List.of(
      """
      CREATE TABLE IF NOT EXISTS followed (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        path TEXT NOT NULL,
        file_key TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        fingerprint_length INTEGER NOT NULL,
        read_offset INTEGER NOT NULL,
        acked_offset INTEGER NOT NULL,
        retired_at INTEGER)""",
      """
      CREATE TABLE IF NOT EXISTS batches (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        followed_id INTEGER NOT NULL,
        source TEXT NOT NULL,
        day TEXT NOT NULL,
        from_offset INTEGER NOT NULL,
        to_offset INTEGER NOT NULL,
        item_count INTEGER NOT NULL,
        items TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        acked_at INTEGER)""",
      "CREATE INDEX IF NOT EXISTS batches_unacked ON batches(acked_at, seq)",
      "CREATE TABLE IF NOT EXISTS seen (item TEXT NOT NULL, day TEXT NOT NULL, PRIMARY KEY (item, day)) WITHOUT ROWID",
      "CREATE INDEX IF NOT EXISTS seen_by_day ON seen(day)",
      "CREATE TABLE IF NOT EXISTS totals (name TEXT PRIMARY KEY, value INTEGER NOT NULL)");

  /** A file followed; readOffset in bytes from its start (acked_offset stays in the table, for status). */
  record Followed(long id, Path path, String fileKey, String fingerprint, int fingerprintLength, long readOffset) {

    Followed at(Path newPath, String newFileKey) {
      return new Followed(id, newPath, newFileKey, fingerprint, fingerprintLength, readOffset);
    }

    Followed withFingerprint(String newFingerprint, int length) {
      return new Followed(id, path, fileKey, newFingerprint, length, readOffset);
    }

    Followed readTo(long offset) {
      return new Followed(id, path, fileKey, fingerprint, fingerprintLength, offset);
    }
  }

  /** A journaled batch; items empty once acknowledged. */
  record Batch(long seq, String id, long followedId, String source, LocalDate day, long fromOffset, long toOffset,
      List<String> items) {}

  private final Path file;
  private final Connection connection;
  private PreparedStatement seenQuery;

  private ShipStore(Path file, Connection connection) {
    this.file = file;
    this.connection = connection;
  }

  static ShipStore open(Path stateDir) throws IOException {
    Path file = stateDir.resolve(FILE_NAME);
    try {
      Files.createDirectories(stateDir);
      org.sqlite.SQLiteConfig config = new org.sqlite.SQLiteConfig();
      config.setJournalMode(org.sqlite.SQLiteConfig.JournalMode.WAL);
      config.setSynchronous(org.sqlite.SQLiteConfig.SynchronousMode.NORMAL);
      config.setBusyTimeout(10_000);
      config.setTransactionMode(org.sqlite.SQLiteConfig.TransactionMode.IMMEDIATE);
      // every item found is looked up in the dedup table: 4 MB of its pages in memory (RSS counts them)
      config.setCacheSize(-4_000);
      Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file, config.toProperties());
      try (Statement statement = connection.createStatement()) {
        for (String ddl : SCHEMA) {
          statement.execute(ddl);
        }
      }
      return new ShipStore(file, connection);
    } catch (SQLException e) {
      throw new IOException("cannot open the log shipper's journal " + file + ": " + e.getMessage()
          + " (a damaged file can be moved aside: the shipper then starts again from the start of every log)", e);
    }
  }

  Path file() {
    return file;
  }

  // --- files followed ---

  List<Followed> followed() throws SQLException {
    List<Followed> all = new ArrayList<>();
    try (PreparedStatement select = connection.prepareStatement(
        "SELECT id, path, file_key, fingerprint, fingerprint_length, read_offset FROM followed "
            + "WHERE retired_at IS NULL ORDER BY id");
         ResultSet rows = select.executeQuery()) {
      while (rows.next()) {
        all.add(new Followed(rows.getLong(1), Path.of(rows.getString(2)), rows.getString(3), rows.getString(4),
            rows.getInt(5), rows.getLong(6)));
      }
    }
    return all;
  }

  Followed follow(Path path, String fileKey, String fingerprint, int fingerprintLength) throws SQLException {
    try (PreparedStatement insert = connection.prepareStatement("INSERT INTO followed (path, file_key, fingerprint, "
        + "fingerprint_length, read_offset, acked_offset) VALUES (?, ?, ?, ?, 0, 0)", Statement.RETURN_GENERATED_KEYS)) {
      insert.setString(1, path.toString());
      insert.setString(2, fileKey);
      insert.setString(3, fingerprint);
      insert.setInt(4, fingerprintLength);
      insert.executeUpdate();
      try (ResultSet keys = insert.getGeneratedKeys()) {
        keys.next();
        return new Followed(keys.getLong(1), path, fileKey, fingerprint, fingerprintLength, 0);
      }
    }
  }

  /** The same file under a new name, a new inode (copied back), or with a longer fingerprint. */
  void update(Followed f) throws SQLException {
    try (PreparedStatement update = connection.prepareStatement(
        "UPDATE followed SET path = ?, file_key = ?, fingerprint = ?, fingerprint_length = ? WHERE id = ?")) {
      update.setString(1, f.path().toString());
      update.setString(2, f.fileKey());
      update.setString(3, f.fingerprint());
      update.setInt(4, f.fingerprintLength());
      update.setLong(5, f.id());
      update.executeUpdate();
    }
  }

  /** Truncated or rewritten in place: no longer read (its journaled batches are still delivered). */
  void retire(long followedId, long nowMillis) throws SQLException {
    try (PreparedStatement update = connection.prepareStatement("UPDATE followed SET retired_at = ? WHERE id = ?")) {
      update.setLong(1, nowMillis);
      update.setLong(2, followedId);
      update.executeUpdate();
    }
  }

  // --- dedup ---

  /** The days (yyyy-MM-dd) on which the item was sent, within the expiry. */
  List<String> seenOn(String item) throws SQLException {
    List<String> days = new ArrayList<>(2);
    if (seenQuery == null) {
      seenQuery = connection.prepareStatement("SELECT day FROM seen WHERE item = ?"); // once: it runs per item
    }
    seenQuery.setString(1, item);
    try (ResultSet rows = seenQuery.executeQuery()) {
      while (rows.next()) {
        days.add(rows.getString(1));
      }
    }
    return days;
  }

  /** Forgets items last sent before the day (the dedup window), and acknowledged batches older than it. */
  int expire(LocalDate before, long beforeMillis) throws SQLException {
    try (PreparedStatement seen = connection.prepareStatement("DELETE FROM seen WHERE day < ?");
         PreparedStatement batches = connection.prepareStatement(
             "DELETE FROM batches WHERE acked_at IS NOT NULL AND acked_at < ?")) {
      seen.setString(1, before.toString());
      batches.setLong(1, beforeMillis);
      batches.executeUpdate();
      return seen.executeUpdate();
    }
  }

  // --- batches ---

  /** A batch to journal: the file's lines [from, to), their new items, the totals they add. */
  record NewBatch(Followed followed, LocalDate day, long from, long to, Collection<String> items,
      Map<Total, Long> totals) {}

  /**
   * Journals batches in one transaction: each batch, its items' seen-marks, its file's read
   * offset (moved to the batch's end) and the totals. Returns them as journaled.
   */
  List<Batch> journal(List<NewBatch> batches, long nowMillis) throws SQLException {
    return inTransaction(() -> {
      List<Batch> journaled = new ArrayList<>(batches.size());
      Map<Total, Long> totals = new EnumMap<>(Total.class);
      try (PreparedStatement insert = connection.prepareStatement("INSERT INTO batches (id, followed_id, source, day, "
          + "from_offset, to_offset, item_count, items, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
          Statement.RETURN_GENERATED_KEYS);
           PreparedStatement mark = connection.prepareStatement("INSERT OR IGNORE INTO seen (item, day) VALUES (?, ?)");
           PreparedStatement offset = connection.prepareStatement("UPDATE followed SET read_offset = ? WHERE id = ?")) {
        for (NewBatch b : batches) {
          journaled.add(insert(insert, b, nowMillis));
          for (String item : b.items()) {
            mark.setString(1, item);
            mark.setString(2, b.day().toString());
            mark.addBatch();
          }
          offset.setLong(1, b.to());
          offset.setLong(2, b.followed().id());
          offset.addBatch();
          b.totals().forEach((total, n) -> totals.merge(total, n, Long::sum));
        }
        mark.executeBatch();
        offset.executeBatch();
        add(totals);
      }
      return journaled;
    });
  }

  private static Batch insert(PreparedStatement insert, NewBatch b, long nowMillis) throws SQLException {
    String id = UUID.randomUUID().toString();
    List<String> items = List.copyOf(b.items());
    String source = b.followed().path().getFileName().toString();
    insert.setString(1, id);
    insert.setLong(2, b.followed().id());
    insert.setString(3, source);
    insert.setString(4, b.day().toString());
    insert.setLong(5, b.from());
    insert.setLong(6, b.to());
    insert.setInt(7, items.size());
    insert.setString(8, String.join("\n", items));
    insert.setLong(9, nowMillis);
    insert.executeUpdate();
    try (ResultSet keys = insert.getGeneratedKeys()) {
      keys.next();
      return new Batch(keys.getLong(1), id, b.followed().id(), source, b.day(), b.from(), b.to(), items);
    }
  }

  /** The batches not yet acknowledged, oldest first, at most limit. */
  List<Batch> unacknowledged(int limit) throws SQLException {
    List<Batch> batches = new ArrayList<>();
    try (PreparedStatement select = connection.prepareStatement("SELECT seq, id, followed_id, source, day, from_offset, "
        + "to_offset, items FROM batches WHERE acked_at IS NULL ORDER BY seq LIMIT ?")) {
      select.setInt(1, limit);
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          String items = rows.getString(8);
          batches.add(new Batch(rows.getLong(1), rows.getString(2), rows.getLong(3), rows.getString(4),
              LocalDate.parse(rows.getString(5)), rows.getLong(6), rows.getLong(7),
              items.isEmpty() ? List.of() : List.of(items.split("\n"))));
        }
      }
    }
    return batches;
  }

  /** Items in batches not yet acknowledged: the queue that bounds reading. */
  long queuedItems() throws SQLException {
    try (PreparedStatement select = prepared("SELECT coalesce(sum(item_count), 0) FROM batches WHERE acked_at IS NULL");
         ResultSet rows = select.executeQuery()) {
      return rows.next() ? rows.getLong(1) : 0;
    }
  }

  long unacknowledgedBatches() throws SQLException {
    try (PreparedStatement select = prepared("SELECT count(*) FROM batches WHERE acked_at IS NULL");
         ResultSet rows = select.executeQuery()) {
      return rows.next() ? rows.getLong(1) : 0;
    }
  }

  /** The server took the batches: each is acknowledged, and its file's offset is done up to its end. */
  void acknowledged(List<Batch> batches, long nowMillis) throws SQLException {
    inTransaction(() -> {
      Map<Total, Long> totals = new EnumMap<>(Total.class);
      try (PreparedStatement ack = connection.prepareStatement(
          "UPDATE batches SET acked_at = ?, items = '', attempts = attempts + 1 WHERE seq = ? AND acked_at IS NULL");
           PreparedStatement offset = connection.prepareStatement(
               "UPDATE followed SET acked_offset = max(acked_offset, ?) WHERE id = ?")) {
        for (Batch batch : batches) {
          ack.setLong(1, nowMillis);
          ack.setLong(2, batch.seq());
          if (ack.executeUpdate() == 1) {
            offset.setLong(1, batch.toOffset());
            offset.setLong(2, batch.followedId());
            offset.executeUpdate();
            totals.merge(Total.UPLOADED_ITEMS, (long) batch.items().size(), Long::sum);
            totals.merge(Total.UPLOADED_BATCHES, batch.items().isEmpty() ? 0L : 1L, Long::sum);
          }
        }
        add(totals);
      }
      return null;
    });
  }

  void failedAttempt(Batch batch) throws SQLException {
    inTransaction(() -> {
      try (PreparedStatement update = connection.prepareStatement(
          "UPDATE batches SET attempts = attempts + 1 WHERE seq = ?")) {
        update.setLong(1, batch.seq());
        update.executeUpdate();
      }
      add(Map.of(Total.FAILED_ATTEMPTS, 1L));
      return null;
    });
  }

  // --- totals ---

  Map<Total, Long> totals() throws SQLException {
    Map<Total, Long> totals = new LinkedHashMap<>();
    for (Total total : Total.values()) {
      totals.put(total, 0L);
    }
    try (PreparedStatement select = prepared("SELECT name, value FROM totals"); ResultSet rows = select.executeQuery()) {
      while (rows.next()) {
        try {
          totals.put(Total.valueOf(rows.getString(1)), rows.getLong(2));
        } catch (IllegalArgumentException unknown) {
          // a total a newer version wrote: not ours to show
        }
      }
    }
    return totals;
  }

  long distinctItems() throws SQLException {
    try (PreparedStatement select = prepared("SELECT count(DISTINCT item) FROM seen");
         ResultSet rows = select.executeQuery()) {
      return rows.next() ? rows.getLong(1) : 0;
    }
  }

  private void add(Map<Total, Long> totals) throws SQLException {
    try (PreparedStatement upsert = prepared("INSERT INTO totals (name, value) VALUES (?, ?) "
        + "ON CONFLICT(name) DO UPDATE SET value = value + excluded.value")) {
      for (Map.Entry<Total, Long> total : totals.entrySet()) {
        if (total.getValue() != 0) {
          upsert.setString(1, total.getKey().name());
          upsert.setLong(2, total.getValue());
          upsert.addBatch();
        }
      }
      upsert.executeBatch();
    }
  }

  private PreparedStatement prepared(String sql) throws SQLException {
    return connection.prepareStatement(sql);
  }

  interface Work<T, E extends Exception> {
    T run() throws E, SQLException;
  }

  /** Runs work in one transaction; inside another, it is part of that one (committed with it). */
  <T, E extends Exception> T inTransaction(Work<T, E> work) throws E, SQLException {
    if (!connection.getAutoCommit()) {
      return work.run();
    }
    connection.setAutoCommit(false);
    try {
      T result = work.run();
      connection.commit();
      return result;
    } catch (Exception e) {
      connection.rollback();
      throw e;
    } finally {
      connection.setAutoCommit(true);
    }
  }

  @Override
  public void close() throws SQLException {
    connection.close();
  }
}
