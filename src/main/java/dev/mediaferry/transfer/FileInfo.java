package dev.mediaferry.transfer;

import dev.mediaferry.targets.Sha256;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * A source file as discovered: its path under the source folder, size and mtime. The id
 * is derived from those three, so a rescan after a crash finds the same journal, and a
 * file rewritten in place becomes a new file.
 */
public record FileInfo(String fileId, String relativePath, long size, long mtimeMillis) implements CborSerializable {

  public static FileInfo of(String relativePath, long size, long mtimeMillis) {
    return new FileInfo(idOf(relativePath, size, mtimeMillis), relativePath, size, mtimeMillis);
  }

  /** The same file under a known id (when only the id and path are at hand, as for retention). */
  public FileInfo withId(String id) {
    return new FileInfo(id, relativePath, size, mtimeMillis);
  }

  static String idOf(String relativePath, long size, long mtimeMillis) {
    MessageDigest digest = Sha256.digest();
    digest.update((relativePath + '\0' + size + '\0' + mtimeMillis).getBytes(StandardCharsets.UTF_8));
    return Sha256.hex(digest).substring(0, 32);
  }
}
