package dev.mediaferry.chaos;

import dev.mediaferry.testing.DockWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

/**
 * The dock as a separate OS process during a chaos run: it writes the planned files into the
 * media folder, most of them announced through media_transfer_status as the dock software does
 * (pending → downloading → completed, WAL, busy_timeout 5 s), the rest only for the scan to
 * find. Sparse files get a few random blocks and holes between. Each file's SHA-256, computed
 * here and nowhere in mediaferry, is appended to the manifest the checker reads at the end.
 * A "database is locked" (the chaos run holds the table's lock on purpose) is waited out and
 * counted: this dock is patient so that every row exists for the final check.
 */
final class ChaosDock {
  private final Connection connection;
  private long lockedWaits;

  private ChaosDock(Path db) throws SQLException {
    connection = DockWriter.open(db); // the dock's own settings; unlike DockWriter, this dock waits out a locked table
  }

  /** args: dock database, media folder, plan file, manifest file (sha256sum format, appended), ms between files. */
  public static void main(String[] args) throws Exception {
    Path media = Path.of(args[1]);
    Path manifest = Path.of(args[3]);
    List<ChaosPlan.PlannedFile> plan = ChaosPlan.read(Path.of(args[2]));
    long pace = Long.parseLong(args[4]);
    ChaosDock dock = new ChaosDock(Path.of(args[0]));
    for (ChaosPlan.PlannedFile file : plan) {
      Thread.sleep(pace); // files arrive over a while, as a dock downloads a flight
      Path path = media.resolve(file.relativePath());
      String hash = file.viaDock() ? dock.download(path, file) : write(path, file);
      Files.writeString(manifest, hash + "  " + file.relativePath() + "\n", StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    }
    System.out.println("dock: " + plan.size() + " files written, " + dock.lockedWaits + " waits on a locked table");
  }

  private String download(Path path, ChaosPlan.PlannedFile file) throws Exception {
    String absolute = path.toAbsolutePath().toString();
    call("INSERT OR IGNORE INTO media_transfer_status (file_path, file_name, file_size, file_hash, "
        + "download_status, transfer_status) VALUES (?, ?, ?, '', 'pending', 'pending')",
        absolute, path.getFileName().toString(), file.size());
    call("UPDATE media_transfer_status SET download_status = 'downloading', download_start_time = CURRENT_TIMESTAMP "
        + "WHERE file_path = ?", absolute);
    String hash = write(path, file);
    call("UPDATE media_transfer_status SET download_status = 'completed', download_end_time = CURRENT_TIMESTAMP "
        + "WHERE file_path = ?", absolute);
    return hash;
  }

  private void call(String sql, Object... parameters) throws Exception {
    while (true) {
      try (PreparedStatement statement = connection.prepareStatement(sql)) {
        for (int i = 0; i < parameters.length; i++) {
          statement.setObject(i + 1, parameters[i]);
        }
        statement.executeUpdate();
        return;
      } catch (SQLException e) {
        if (!String.valueOf(e.getMessage()).contains("locked") && !String.valueOf(e.getMessage()).contains("BUSY")) {
          throw e;
        }
        lockedWaits++;
        Thread.sleep(200);
      }
    }
  }

  /** Writes the file (seeded random bytes, or a sparse file with a few random blocks) and returns its SHA-256. */
  static String write(Path path, ChaosPlan.PlannedFile file) throws Exception {
    Files.createDirectories(path.getParent());
    Random random = new Random(file.seed());
    if (file.sparse()) {
      try (FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING)) {
        byte[] block = new byte[1 << 20];
        for (int i = 0; i < 8; i++) {
          random.nextBytes(block);
          long offset = Math.floorMod(random.nextLong(), file.size() - block.length);
          channel.write(ByteBuffer.wrap(block), offset);
        }
        channel.write(ByteBuffer.wrap(new byte[] {1}), file.size() - 1); // the length, past 4 GiB
      }
      return sha256(path);
    }
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    byte[] buffer = new byte[1 << 20];
    try (OutputStream out = Files.newOutputStream(path)) {
      for (long left = file.size(); left > 0; ) {
        random.nextBytes(buffer);
        int n = (int) Math.min(buffer.length, left);
        out.write(buffer, 0, n);
        digest.update(buffer, 0, n);
        left -= n;
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  static String sha256(Path path) throws Exception {
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    ByteBuffer buffer = ByteBuffer.allocate(1 << 20);
    try (FileChannel channel = FileChannel.open(path)) {
      while (channel.read(buffer.clear()) != -1) {
        digest.update(buffer.flip());
      }
    } catch (IOException e) {
      throw new IOException("cannot hash " + path + ": " + e.getMessage(), e);
    }
    return HexFormat.of().formatHex(digest.digest());
  }
}
