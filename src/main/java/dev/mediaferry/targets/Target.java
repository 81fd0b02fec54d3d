package dev.mediaferry.targets;

import dev.mediaferry.file.ErrorKind;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Where files go. Paths are relative to the target's base, separated by '/', never
 * starting with '/'. Targets do I/O only; the policy (temp name, verify, rename, never
 * overwrite) lives once in {@link SafeCopy}. Every method throws a classified
 * {@link TargetException}. Implementations must be safe to call from several threads.
 */
public interface Target extends AutoCloseable {

  /** Receives the number of bytes sent so far; called often, so it must be cheap. */
  interface Progress {
    Progress NONE = bytes -> {};

    void sent(long bytesSoFar);
  }

  /** Thrown by an upload that was asked to stop (shutdown); the partial file is removed. */
  final class Cancelled extends TargetException {
    public Cancelled(String path) {
      super(ErrorKind.TRANSIENT, "upload of " + path + " cancelled by shutdown");
    }
  }

  /** Tells a long upload to stop early. */
  interface CancelSignal {
    CancelSignal NEVER = () -> false;

    boolean cancelled();
  }

  /** A URL-like description for logs: "file:/srv/nas", "sftp://user@host:22/base". */
  String describe();

  /**
   * Writes the whole source file to path (which must not exist; parents must exist),
   * flushed to stable storage, and returns the SHA-256 (hex) of the bytes that were sent.
   * On failure the partial file may remain: the caller removes it.
   */
  String upload(Path source, String path, Progress progress, CancelSignal cancel) throws TargetException;

  /** SHA-256 (lower-case hex) of the file's content as stored on the target. */
  String sha256(String path) throws TargetException;

  /** The size argument of sha256 when no stat was made. */
  long UNKNOWN_SIZE = -1;

  /**
   * The same, for a file a stat just found to be size bytes long (or UNKNOWN_SIZE): a target
   * may hash a small file a cheaper way (the NAS shell without its keep-alive ticker). The
   * answer is the same.
   */
  default String sha256(String path, long size) throws TargetException {
    return sha256(path);
  }

  /** The file's size and time, or empty when nothing is at path. */
  Optional<RemoteStat> stat(String path) throws TargetException;

  /** Renames from to to; fails with {@link TargetException.DestinationExists} if to exists. */
  void renameNoReplace(String from, String to) throws TargetException;

  /** Deletes the file; no error if it is already gone. */
  void delete(String path) throws TargetException;

  /** Makes the directory and its parents; no error if it already exists. */
  void mkdirs(String dir) throws TargetException;

  /**
   * Free (for us) and total bytes of the volume holding dir; empty when this target cannot
   * tell (an optional capability, as rclone's About: an SFTP account without a shell has no
   * df to ask). The reserve cannot hold files back then, and the operator is told once.
   */
  Optional<Space> space(String dir) throws TargetException;

  /** An upload the target hashed as it wrote it: what was sent, and what it stored. */
  record HashedUpload(String sentSha256, String storedSha256, long storedBytes) {}

  /**
   * The one-pass upload: like {@link #upload}, and the target hashes the bytes as it writes
   * them (no second read). Empty when this target cannot, or judges it not worth it for this
   * file, in which case nothing was written. The copy offers every file here first.
   */
  default Optional<HashedUpload> uploadHashed(Path source, String path, Progress progress, CancelSignal cancel)
      throws TargetException {
    return Optional.empty();
  }

  /**
   * For resuming a cut upload: the SHA-256 (hex) of the first length bytes of the file at
   * path, hashed on the target's side; empty when this target cannot hash there (the upload
   * then starts over) or the file is shorter.
   */
  default Optional<String> sha256OfPrefix(String path, long length) throws TargetException {
    return Optional.empty();
  }

  /**
   * For resuming a cut upload: writes the source from offset on into the existing file at
   * path, keeping its first offset bytes (the caller checked they are the source's), and
   * makes it durable. Progress counts from offset. Only called where sha256OfPrefix answered.
   */
  default void uploadFrom(Path source, String path, long offset, Progress progress, CancelSignal cancel)
      throws TargetException {
    throw new TargetException(ErrorKind.PERMANENT, describe() + " cannot resume uploads");
  }

  /** Names (not paths) of the entries in dir; empty when dir is missing. */
  List<String> list(String dir) throws TargetException;

  /**
   * Fails with {@link ErrorKind#WRONG_TARGET} when this is not the target recorded for this
   * daemon (see {@link TargetIdentity}); a bare target has no identity to check.
   */
  default void checkIdentity() throws TargetException {}

  @Override
  void close();
}
