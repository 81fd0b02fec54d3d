package dev.mediaferry.deletion;

import dev.mediaferry.file.ErrorKind;
import dev.mediaferry.file.LocalIdentity;
import dev.mediaferry.file.RecheckOutcome;
import dev.mediaferry.targets.Sha256;
import dev.mediaferry.targets.StoredCopy;
import dev.mediaferry.targets.Target;
import dev.mediaferry.targets.TargetException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The check made right before a local copy is deleted: the target copy still has the
 * verified size and SHA-256, and the local file is still the one that was verified
 * (same size, mtime and SHA-256). Only {@link RecheckOutcome#OK} allows the delete.
 */
public final class DeleteRecheck {

  /** local: which file was hashed (OK only), so the move to the trash can check it moves that one. */
  public record Result(RecheckOutcome outcome, String remoteSha256, String message, LocalIdentity local) {

    Result(RecheckOutcome outcome, String remoteSha256, String message) {
      this(outcome, remoteSha256, message, null);
    }
  }

  /** What was verified: where, how big, which hash; and the local file's identity. */
  public record Expected(String remotePath, long bytes, String sha256, Path source, long size, long mtimeMillis) {}

  private DeleteRecheck() {}

  /** Reads a local file's SHA-256 (a parameter so a unit test can make the read fail like EIO). */
  public interface LocalHasher {
    String sha256(Path file) throws IOException;
  }

  /** Throws only for transient errors (target or local read), which mean "try the delete later". */
  public static Result run(Target target, Expected expected) throws TargetException {
    return run(target, expected, Sha256::of);
  }

  public static Result run(Target target, Expected expected, LocalHasher hasher) throws TargetException {
    // looked at now, never taken from an earlier sighting: a copy made just before the share
    // went away "verified" on the wrong disk, and this look is what keeps its original
    target.checkIdentity();
    StoredCopy.Check stored = StoredCopy.check(target, expected.remotePath(), expected.bytes(), expected.sha256());
    switch (stored.verdict()) {
      case MISSING:
        return new Result(RecheckOutcome.TARGET_COPY_BAD, null, "target copy " + expected.remotePath() + " is missing");
      case OTHER_SIZE:
        return new Result(RecheckOutcome.TARGET_COPY_BAD, null, String.format(
            "size mismatch: verified %d bytes, target %s now %d", expected.bytes(), expected.remotePath(),
            stored.storedBytes()));
      case OTHER_CONTENT:
        return new Result(RecheckOutcome.TARGET_COPY_BAD, stored.storedSha256(), String.format(
            "hash mismatch: verified sha256 %s, target %s now %s", expected.sha256(), expected.remotePath(),
            stored.storedSha256()));
      case SAME:
        break;
    }
    String remoteSha = stored.storedSha256();
    return checkLocal(expected, remoteSha, hasher);
  }

  /**
   * A local file that cannot be read (EIO, permission denied) has not changed for all we
   * know: the delete is postponed (a transient error) and the operator alerted, never given up.
   */
  private static Result checkLocal(Expected expected, String remoteSha, LocalHasher hasher)
      throws TargetException {
    try {
      LocalIdentity before = LocalIdentity.of(expected.source());
      if (!before.hasSizeAndTime(expected.size(), expected.mtimeMillis())) {
        return new Result(RecheckOutcome.SOURCE_CHANGED, remoteSha, "local file " + expected.source() + " changed since it was verified");
      }
      String localSha = hasher.sha256(expected.source());
      if (!localSha.equals(expected.sha256()) || !LocalIdentity.of(expected.source()).equals(before)) {
        return new Result(RecheckOutcome.SOURCE_CHANGED, remoteSha, "local file " + expected.source()
            + " now hashes " + localSha + " (or changed while hashed), verified " + expected.sha256());
      }
      return new Result(RecheckOutcome.OK, remoteSha, "target copy and local file match sha256 " + remoteSha, before);
    } catch (LocalIdentity.NotARegularFile e) {
      return new Result(RecheckOutcome.SOURCE_CHANGED, remoteSha, e.getMessage() + "; it is not the file that was verified");
    } catch (NoSuchFileException e) {
      return new Result(RecheckOutcome.SOURCE_MISSING, remoteSha, "local file " + expected.source() + " is already gone");
    } catch (IOException e) {
      throw new TargetException(ErrorKind.TRANSIENT, "cannot read local file " + expected.source() + " to recheck it "
          + "before its delete (" + e + "); the delete is postponed: check the disk (dmesg) and the file's permissions",
          e);
    }
  }
}
