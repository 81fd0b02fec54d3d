package dev.mediaferry.journal;

import dev.mediaferry.file.ErrorKind;
import dev.mediaferry.file.FileInfo;
import dev.mediaferry.file.FileState;
import dev.mediaferry.file.FileState.Status;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;

/** The file_index table: its schema, and a file's state written to and read from its row. */
final class FileIndexRows {
  static final String[] SCHEMA = {
    """
    CREATE TABLE IF NOT EXISTS file_index (
      file_id TEXT PRIMARY KEY, path TEXT NOT NULL, size INTEGER NOT NULL, mtime INTEGER NOT NULL,
      status TEXT NOT NULL, attempt INTEGER NOT NULL, temp_path TEXT, retry_at INTEGER, error_kind TEXT,
      last_error TEXT, remote_path TEXT, sha256 TEXT, bytes INTEGER NOT NULL, delete_due_at INTEGER,
      rechecked INTEGER NOT NULL, trash_path TEXT, last_seq INTEGER NOT NULL, updated_at INTEGER NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS file_index_status ON file_index (status)",
    "CREATE INDEX IF NOT EXISTS file_index_path ON file_index (path)",
    "CREATE TABLE IF NOT EXISTS projection_offset (name TEXT PRIMARY KEY, last_ordering INTEGER NOT NULL)",
  };

  private FileIndexRows() {}

  static void write(Connection connection, String fileId, FileIndex.Row row) throws SQLException {
    FileState s = row.state();
    try (PreparedStatement upsert = connection.prepareStatement(
        "INSERT OR REPLACE INTO file_index (file_id, path, size, mtime, status, attempt, temp_path, retry_at, "
            + "error_kind, last_error, remote_path, sha256, bytes, delete_due_at, rechecked, trash_path, last_seq, "
            + "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      FileInfo file = s.file() != null ? s.file() : new FileInfo(fileId, "", 0, 0);
      upsert.setString(1, fileId);
      upsert.setString(2, file.relativePath());
      upsert.setLong(3, file.size());
      upsert.setLong(4, file.mtimeMillis());
      upsert.setString(5, s.status().name());
      upsert.setInt(6, s.attempt());
      upsert.setString(7, s.tempPath());
      setLong(upsert, 8, s.retryAtMillis());
      upsert.setString(9, s.lastErrorKind() == null ? null : s.lastErrorKind().name());
      upsert.setString(10, s.lastError());
      upsert.setString(11, s.remotePath());
      upsert.setString(12, s.sha256());
      upsert.setLong(13, s.bytes());
      setLong(upsert, 14, s.deleteDueAtMillis());
      upsert.setInt(15, s.rechecked() ? 1 : 0);
      upsert.setString(16, s.trashPath());
      upsert.setLong(17, row.lastSeq());
      upsert.setLong(18, row.updatedAt());
      upsert.executeUpdate();
    }
  }

  private static void setLong(PreparedStatement statement, int index, Long value) throws SQLException {
    if (value == null) {
      statement.setNull(index, Types.BIGINT);
    } else {
      statement.setLong(index, value);
    }
  }

  static FileIndex.Row read(ResultSet rs) throws SQLException {
    String fileId = rs.getString("file_id");
    FileInfo file = new FileInfo(fileId, rs.getString("path"), rs.getLong("size"), rs.getLong("mtime"));
    String kind = rs.getString("error_kind");
    FileState state = new FileState(Status.valueOf(rs.getString("status")), file, rs.getInt("attempt"),
        rs.getString("temp_path"), nullableLong(rs, "retry_at"), kind == null ? null : ErrorKind.valueOf(kind),
        rs.getString("last_error"), rs.getString("remote_path"), rs.getString("sha256"), rs.getLong("bytes"),
        nullableLong(rs, "delete_due_at"), rs.getInt("rechecked") == 1, rs.getString("trash_path"), 0);
    return new FileIndex.Row(state, rs.getLong("last_seq"), rs.getLong("updated_at"));
  }

  private static Long nullableLong(ResultSet rs, String column) throws SQLException {
    long value = rs.getLong(column);
    return rs.wasNull() ? null : value;
  }
}
