package dev.mediaferry.targets;

import java.util.Optional;

/**
 * The one check of a copy on the target (rclone's fs/operations.Check idea): is the file
 * stored at a path exactly the expected bytes? Size first (one stat), the SHA-256 of what
 * the target stored only when the size is right. The copy uses it on the temp file after
 * the upload and on a file already standing at the final name; the recheck uses it on the
 * verified copy right before the local one is deleted. Each caller words its own message.
 */
public final class StoredCopy {

  public enum Verdict {
    SAME,
    MISSING,
    OTHER_SIZE,
    OTHER_CONTENT
  }

  /** storedBytes is -1 when nothing is there; storedSha256 is null unless it was read. */
  public record Check(String path, Verdict verdict, long storedBytes, String storedSha256) {
    public boolean same() {
      return verdict == Verdict.SAME;
    }
  }

  private StoredCopy() {}

  public static Check check(Target target, String path, long bytes, String sha256) throws TargetException {
    return check(target, path, target.stat(path), bytes, sha256);
  }

  /** The same check when the stat is already in hand (saves a round trip). */
  public static Check check(Target target, String path, Optional<RemoteStat> stat, long bytes, String sha256)
      throws TargetException {
    if (stat.isEmpty()) {
      return new Check(path, Verdict.MISSING, -1, null);
    }
    long stored = stat.get().size();
    if (stored != bytes) {
      return new Check(path, Verdict.OTHER_SIZE, stored, null);
    }
    String storedSha = target.sha256(path, stored);
    return new Check(path, storedSha.equals(sha256) ? Verdict.SAME : Verdict.OTHER_CONTENT, stored, storedSha);
  }
}
