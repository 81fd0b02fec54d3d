package dev.mediaferry.file;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A source file as discovered: its path under the source folder, size and mtime (and the
 * file key the scan saw, not part of the identity). The id
 * is derived from those three, so a rescan after a crash finds the same journal, and a
 * file rewritten in place becomes a new file.
 */
public record FileInfo(String fileId, String relativePath, long size, long mtimeMillis, String fileKey)
    implements CborSerializable {

  public FileInfo(String fileId, String relativePath, long size, long mtimeMillis) {
    this(fileId, relativePath, size, mtimeMillis, null);
  }

  public static FileInfo of(String relativePath, long size, long mtimeMillis) {
    return of(relativePath, size, mtimeMillis, null);
  }

  /**
   * fileKey: the file's key (device and inode) as the scan saw it, or null when unknown (a
   * file recovered from its journal): the copy refuses a source whose key changed since.
   */
  public static FileInfo of(String relativePath, long size, long mtimeMillis, String fileKey) {
    return new FileInfo(idOf(relativePath, size, mtimeMillis), relativePath, size, mtimeMillis, fileKey);
  }

  /** The same file under a known id (when only the id and path are at hand, as for retention). */
  public FileInfo withId(String id) {
    return new FileInfo(id, relativePath, size, mtimeMillis, fileKey);
  }

  static String idOf(String relativePath, long size, long mtimeMillis) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256")
          .digest((relativePath + '\0' + size + '\0' + mtimeMillis).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash).substring(0, 32);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
