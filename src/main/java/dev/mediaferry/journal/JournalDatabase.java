package dev.mediaferry.journal;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import dev.mediaferry.file.FileEvent;
import dev.mediaferry.targets.TargetIdentity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The SQLite file that holds every file's journal. pekko-persistence-jdbc ships no SQLite
 * schema, so it is created here (adapted from the plugin's H2/Postgres schema) before the
 * actor system starts. AUTOINCREMENT keeps offsets from ever being reused.
 */
public final class JournalDatabase {
  private static final String[] SCHEMA = {
    """
    CREATE TABLE IF NOT EXISTS event_journal (
      ordering INTEGER PRIMARY KEY AUTOINCREMENT,
      deleted BOOLEAN DEFAULT 0 NOT NULL,
      persistence_id VARCHAR(255) NOT NULL,
      sequence_number BIGINT NOT NULL,
      writer TEXT NOT NULL,
      write_timestamp BIGINT NOT NULL,
      adapter_manifest TEXT NOT NULL,
      event_payload BLOB NOT NULL,
      event_ser_id INTEGER NOT NULL,
      event_ser_manifest TEXT NOT NULL,
      meta_payload BLOB,
      meta_ser_id INTEGER,
      meta_ser_manifest TEXT)""",
    "CREATE UNIQUE INDEX IF NOT EXISTS event_journal_pid_seq_idx ON event_journal (persistence_id, sequence_number)",
    """
    CREATE TABLE IF NOT EXISTS event_tag (
      event_id BIGINT NOT NULL,
      tag TEXT NOT NULL,
      PRIMARY KEY (event_id, tag),
      FOREIGN KEY (event_id) REFERENCES event_journal (ordering) ON DELETE CASCADE)""",
    """
    CREATE TABLE IF NOT EXISTS snapshot (
      persistence_id VARCHAR(255) NOT NULL,
      sequence_number BIGINT NOT NULL,
      created BIGINT NOT NULL,
      snapshot_ser_id INTEGER NOT NULL,
      snapshot_ser_manifest TEXT NOT NULL,
      snapshot_payload BLOB NOT NULL,
      meta_ser_id INTEGER,
      meta_ser_manifest TEXT,
      meta_payload BLOB,
      PRIMARY KEY (persistence_id, sequence_number))""",
    // the identity marker of each target url this daemon wrote to (TargetIdentity)
    """
    CREATE TABLE IF NOT EXISTS target_identity (
      target_url TEXT PRIMARY KEY,
      marker_id TEXT NOT NULL,
      recorded_at BIGINT NOT NULL)""",
  };

  private JournalDatabase() {}

  /** The identity record of one target url, kept in this database beside the journal. */
  public static TargetIdentity.Record targetRecord(Path dbFile, String targetUrl) {
    return new TargetIdentity.Record() {
      @Override
      public String recorded() throws IOException {
        return query(dbFile, "SELECT marker_id FROM target_identity WHERE target_url = ?", targetUrl);
      }

      @Override
      public void record(String markerId) throws IOException {
        try (Connection c = DriverManager.getConnection(url(dbFile));
             PreparedStatement insert = c.prepareStatement("INSERT OR REPLACE INTO target_identity "
                 + "(target_url, marker_id, recorded_at) VALUES (?, ?, ?)")) {
          insert.setString(1, targetUrl);
          insert.setString(2, markerId);
          insert.setLong(3, System.currentTimeMillis());
          insert.executeUpdate();
        } catch (SQLException e) {
          throw new IOException("cannot record the target's identity in " + dbFile + ": " + e.getMessage(), e);
        }
      }

      @Override
      public boolean journalDeliveredFiles() throws IOException {
        // Verified under its class name of today or of before the move (MovedEventClasses), or an index
        // row past it; files only discovered or failed (a fresh install whose first attempts failed) don't count
        return query(dbFile, "SELECT 1 FROM event_journal WHERE event_ser_manifest IN (?, ?) LIMIT 1",
            FileEvent.Verified.class.getName(), MovedEventClasses.OLD_EVENT + "Verified") != null
            || query(dbFile, "SELECT 1 FROM sqlite_master WHERE name = 'file_index'") != null
            && query(dbFile, "SELECT 1 FROM file_index WHERE status IN ('VERIFIED', 'PENDING_DELETE', 'DELETED', "
                + "'PURGED') LIMIT 1") != null;
      }
    };
  }

  private static String query(Path dbFile, String sql, String... parameters) throws IOException {
    try (Connection c = DriverManager.getConnection(url(dbFile)); PreparedStatement select = c.prepareStatement(sql)) {
      for (int i = 0; i < parameters.length; i++) {
        select.setString(i + 1, parameters[i]);
      }
      try (ResultSet rows = select.executeQuery()) {
        return rows.next() ? rows.getString(1) : null;
      }
    } catch (SQLException e) {
      throw new IOException("cannot read " + dbFile + ": " + e.getMessage(), e);
    }
  }

  /** The journal cannot be opened or written; the message says why and what to do. */
  public static final class Unusable extends IOException {
    Unusable(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * Creates the file and its tables when missing, and proves it can be written (a read-only
   * journal would otherwise fail only at the first file); safe to call on every start.
   */
  public static void ensureSchema(Path dbFile) throws IOException {
    try {
      Files.createDirectories(dbFile.toAbsolutePath().getParent());
    } catch (IOException e) {
      throw new Unusable("cannot create the state folder " + dbFile.toAbsolutePath().getParent() + " (" + e
          + "): make mediaferry.state-dir a folder the mediaferry user can write", e);
    }
    try (Connection connection = DriverManager.getConnection(url(dbFile));
         Statement statement = connection.createStatement()) {
      statement.execute("PRAGMA journal_mode=WAL");
      for (String ddl : SCHEMA) {
        statement.execute(ddl);
      }
      try (ResultSet version = statement.executeQuery("PRAGMA user_version")) {
        int v = version.next() ? version.getInt(1) : 0;
        statement.execute("PRAGMA user_version = " + v); // a write: fails here on a read-only file or disk
      }
    } catch (SQLException e) {
      throw new Unusable(unusable(dbFile, e), e);
    }
  }

  private static String unusable(Path dbFile, SQLException e) {
    String why = String.valueOf(e.getMessage());
    String what;
    if (why.contains("NOTADB") || why.contains("CORRUPT") || why.contains("malformed")) {
      what = "is not a readable SQLite database (corrupt, or another file). Nothing was changed. Restore the copy "
          + "made by `mediaferry db backup`, or move the file aside to start an empty journal (files already on "
          + "the NAS are recognised by their content and not sent twice)";
    } else if (why.contains("READONLY") || why.contains("readonly") || why.contains("CANTOPEN")) {
      what = "cannot be opened for writing (a read-only file, folder or filesystem): let the mediaferry user "
          + "write the file and its folder " + dbFile.toAbsolutePath().getParent();
    } else if (why.contains("FULL") || why.contains("full")) {
      what = "cannot be written: the disk holding " + dbFile.toAbsolutePath().getParent() + " is full. Free space "
          + "there; nothing is lost, files wait";
    } else {
      what = "cannot be used";
    }
    return "the journal " + dbFile.toAbsolutePath() + " " + what + " (SQLite: " + why + ")";
  }

  public static String url(Path dbFile) {
    return "jdbc:sqlite:" + dbFile.toAbsolutePath();
  }

  /** The Pekko config with the journal pointed at dbFile, over the application config. */
  public static Config pekkoConfig(Path dbFile, Config base) {
    return ConfigFactory.empty()
        .withValue("pekko-persistence-jdbc.shared-databases.sqlite.db.url", ConfigValueFactory.fromAnyRef(url(dbFile)))
        .withFallback(base);
  }

  /** What `db check` reports: SQLite's integrity check and how the file index stands against the journal. */
  public record Health(String integrity, long files, long events, long untagged, long indexed, long indexLag) {
    public boolean ok() {
      return "ok".equals(integrity) && untagged == 0 && (indexLag > 0 || indexed == files);
    }
  }

  public static Health check(Path dbFile) throws IOException, SQLException {
    FileIndex.open(dbFile).close(); // makes the index tables if this journal has never had them
    try (Connection c = DriverManager.getConnection(url(dbFile)); Statement s = c.createStatement()) {
      s.execute("PRAGMA busy_timeout=10000");
      return new Health(single(s, "PRAGMA integrity_check"),
          Long.parseLong(single(s, "SELECT count(DISTINCT persistence_id) FROM event_journal")),
          Long.parseLong(single(s, "SELECT count(*) FROM event_journal")),
          Long.parseLong(single(s, "SELECT count(*) FROM event_journal j WHERE NOT EXISTS "
              + "(SELECT 1 FROM event_tag t WHERE t.event_id = j.ordering)")),
          Long.parseLong(single(s, "SELECT count(*) FROM file_index")),
          Long.parseLong(single(s, "SELECT coalesce((SELECT max(ordering) FROM event_journal), 0) - "
              + "coalesce((SELECT last_ordering FROM projection_offset WHERE name = 'file_index'), 0)")));
    }
  }

  /** An online, consistent copy (VACUUM INTO; safe while the daemon runs); returns the copy's integrity check. */
  public static String backup(Path dbFile, Path to) throws SQLException {
    try (Connection c = DriverManager.getConnection(url(dbFile));
         PreparedStatement vacuum = c.prepareStatement("VACUUM INTO ?")) {
      try (Statement s = c.createStatement()) {
        s.execute("PRAGMA busy_timeout=10000");
      }
      vacuum.setString(1, to.toAbsolutePath().toString());
      vacuum.execute();
    }
    try (Connection copy = DriverManager.getConnection(url(to)); Statement s = copy.createStatement()) {
      return single(s, "PRAGMA integrity_check");
    }
  }

  private static String single(Statement s, String sql) throws SQLException {
    try (ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
