package dev.mediaferry.deletion;

import dev.mediaferry.file.ErrorKind;
import dev.mediaferry.file.RecheckOutcome;
import dev.mediaferry.targets.RemoteStat;
import dev.mediaferry.targets.Sha256;
import dev.mediaferry.targets.Target;
import dev.mediaferry.targets.TargetException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

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
    Optional<RemoteStat> stat = target.stat(expected.remotePath());
    if (stat.isEmpty()) {
      return new Result(RecheckOutcome.TARGET_COPY_BAD, null, "target copy " + expected.remotePath() + " is missing");
    }
    if (stat.get().size() != expected.bytes()) {
      return new Result(RecheckOutcome.TARGET_COPY_BAD, null, String.format("size mismatch: verified %d bytes, target %s now %d",
          expected.bytes(), expected.remotePath(), stat.get().size()));
    }
    String remoteSha = target.sha256(expected.remotePath());
    if (!remoteSha.equals(expected.sha256())) {
      return new Result(RecheckOutcome.TARGET_COPY_BAD, remoteSha, String.format(
          "hash mismatch: verified sha256 %s, target %s now %s", expected.sha256(), expected.remotePath(), remoteSha));
    }
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
      if (before.size() != expected.size() || before.mtimeMillis() != expected.mtimeMillis()) {
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
