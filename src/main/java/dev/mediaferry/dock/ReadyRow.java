package dev.mediaferry.dock;

import dev.mediaferry.file.FileInfo;
import dev.mediaferry.file.LocalIdentity;
import dev.mediaferry.targets.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Whether a row the dock reports complete may be taken: the file exists, is a regular file
 * inside the source folder (no "..", no link out of it), has the row's file_size and, when
 * the row has a file_hash (SHA-256 or MD5, hex), that hash. Either a file to transfer or the
 * reason written on the row.
 */
final class ReadyRow {

  /**
   * file is set when the row may be taken; otherwise refusal says why. missing: the file
   * is not there (its path under the source folder), which is no fault when we took it already.
   */
  record Checked(DockTable.Row row, FileInfo file, String refusal, String missing) {}

  private ReadyRow() {}

  /** accepted: what this row was accepted as before (null: never); unchanged, its hash is not read again. */
  static Checked check(DockTable.Row row, Path sourceDir, FileInfo accepted) {
    try {
      Path path = Path.of(row.filePath());
      if (!path.isAbsolute()) {
        return refused(row, "file_path " + row.filePath() + " is not absolute; the dock writes absolute paths "
            + "under the media folder " + sourceDir);
      }
      Path normal = path.normalize();
      if (!normal.startsWith(sourceDir) || !inside(normal, sourceDir)) {
        return refused(row, "file_path " + row.filePath() + " is outside the media folder " + sourceDir
            + " (mediaferry.source.dir); nothing outside it is ever offloaded or deleted");
      }
      LocalIdentity identity = LocalIdentity.of(normal);
      if (row.fileSize() != null && row.fileSize() != identity.size()) {
        return refused(row, "size mismatch: the row says " + row.fileSize() + " bytes, " + normal + " has "
            + identity.size() + "; the dock may still be writing it or wrote another file: fix the row and set "
            + "transfer_status back to 'pending'");
      }
      boolean hashedBefore = accepted != null && identity.hasSizeAndTime(accepted.size(), accepted.mtimeMillis());
      String hashProblem = hashedBefore ? null : hashProblem(row, normal);
      if (hashProblem != null) {
        return refused(row, hashProblem);
      }
      String relative = sourceDir.relativize(normal).toString().replace('\\', '/');
      return new Checked(row, FileInfo.of(relative, identity.size(), identity.mtimeMillis(),
          identity.fileKey() == null ? null : identity.fileKey().toString()), null, null);
    } catch (NoSuchFileException e) {
      return new Checked(row, null, "file " + row.filePath() + " is missing; nothing was uploaded. If the dock "
          + "will write it again, set transfer_status back to 'pending'",
          sourceDir.relativize(Path.of(row.filePath()).normalize()).toString().replace('\\', '/'));
    } catch (LocalIdentity.NotARegularFile e) {
      return refused(row, e.getMessage() + "; only regular files are offloaded");
    } catch (IOException | RuntimeException e) {
      return refused(row, "cannot read " + row.filePath() + ": " + e + "; check that the mediaferry user can read it");
    }
  }

  /** The real path (links resolved) must stay inside the real source folder too. */
  private static boolean inside(Path normal, Path sourceDir) throws IOException {
    Path parent = normal.getParent();
    return parent != null && Files.exists(parent)
        ? parent.toRealPath().startsWith(sourceDir.toRealPath()) : true;
  }

  private static String hashProblem(DockTable.Row row, Path file) throws IOException {
    String expected = row.fileHash() == null ? "" : row.fileHash().trim().toLowerCase(Locale.ROOT);
    if (expected.isEmpty()) {
      return null;
    }
    String actual;
    if (expected.matches("[0-9a-f]{64}")) {
      actual = Sha256.of(file);
    } else if (expected.matches("[0-9a-f]{32}")) {
      actual = md5(file);
    } else {
      return "file_hash '" + row.fileHash() + "' is neither a SHA-256 (64 hex digits) nor an MD5 (32); "
          + "fix the row or leave file_hash empty";
    }
    return actual.equals(expected) ? null : "hash mismatch: the row says " + expected + ", " + file + " hashes "
        + actual + "; the file is not what the dock downloaded: nothing was uploaded";
  }

  private static String md5(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
      MessageDigest md5 = MessageDigest.getInstance("MD5");
      byte[] buffer = new byte[1 << 16];
      for (int n; (n = in.read(buffer)) > 0; ) {
        md5.update(buffer, 0, n);
      }
      return HexFormat.of().formatHex(md5.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has MD5", e);
    }
  }

  private static Checked refused(DockTable.Row row, String reason) {
    return new Checked(row, null, reason, null);
  }
}
