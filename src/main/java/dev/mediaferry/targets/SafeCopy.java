package dev.mediaferry.targets;

import dev.mediaferry.file.ErrorKind;
import dev.mediaferry.file.LocalIdentity;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Files;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one safe copy, written once against {@link Target}: upload to a temp name beside the
 * final one while hashing, check size and SHA-256 of what the target stored, check the
 * source did not change meanwhile, then rename without replacing. A final path holding the
 * same content counts as done; one holding other content is kept and the file goes under a
 * suffixed name. The temp file is removed on every failure.
 */
public final class SafeCopy {
  private static final Logger LOG = LoggerFactory.getLogger(SafeCopy.class);
  /** Most suffixed names tried before giving up: a sign of a misconfigured layout. */
  private static final int MAX_SUFFIX = 1000;

  /**
   * What to copy; the size, mtime and file key (null: unknown) are the source's identity when
   * it was discovered.
   */
  public record Request(Path source, long size, long mtimeMillis, String fileKey, String finalPath, String tempPath,
      boolean firstAttempt) {
    /** firstAttempt: no earlier attempt of this file can have left its temp file, so none is looked for. */
    public Request(Path source, long size, long mtimeMillis, String fileKey, String finalPath, String tempPath) {
      this(source, size, mtimeMillis, fileKey, finalPath, tempPath, false);
    }
  }

  /**
   * Where the file ended and how; bytesSent is 0 when the target already had it; bytesKept is
   * what a resumed upload kept of an earlier attempt's temp file.
   */
  public record Result(String remotePath, String sha256, long bytes, long bytesSent, long durationMs,
      long bytesKept) {
    public Result(String remotePath, String sha256, long bytes, long bytesSent, long durationMs) {
      this(remotePath, sha256, bytes, bytesSent, durationMs, 0);
    }
  }

  /** A failed copy's temp file: removed in this many tries, this far apart (and twice, three times that). */
  static final int TEMP_DELETE_TRIES = 4;
  static final long TEMP_DELETE_PAUSE_MS = 500;

  /** A resumed prefix ends on a whole mebibyte (the NAS hashes whole blocks)... */
  static final long RESUME_BLOCK = 1 << 20;
  /** ...at least this far before the temp file's end: the last writes in flight when it was cut may be missing. */
  static final long RESUME_MARGIN = 8 << 20;

  private final Target target;
  private final long resumeMinSize;

  public SafeCopy(Target target) {
    this(target, Long.MAX_VALUE);
  }

  /** resumeMinSize: a cut upload of a file this large continues from what its temp file holds. */
  public SafeCopy(Target target, long resumeMinSize) {
    this.target = target;
    this.resumeMinSize = resumeMinSize;
  }

  public Result copy(Request request, Target.Progress progress, Target.CancelSignal cancel) throws TargetException {
    long started = System.nanoTime();
    try {
      requireUnchanged(request);
    } catch (TargetException changed) {
      if (!request.firstAttempt()) {
        // what an earlier attempt left (a big file's temp is kept for resuming) belongs to this generation only
        deleteQuietly(request.tempPath(), changed);
      }
      throw changed;
    }
    if (!Files.isReadable(request.source())) {
      // said here, before any target call, so the advice names the source and not the target
      throw new TargetException(ErrorKind.PERMANENT, "cannot read source file " + request.source() + " (permission "
          + "denied): give the mediaferry user read access to it (chmod/chown), then `mediaferry retry` it");
    }
    target.mkdirs(RemoteLayout.parent(request.finalPath()));
    boolean resumable = request.size() >= resumeMinSize;
    if (!resumable && !request.firstAttempt()) {
      target.delete(request.tempPath()); // a leftover of an earlier attempt (one round trip spared on the first)
    }
    String localSha = null;
    String candidate = request.finalPath();
    for (int suffix = 1; ; suffix++) {
      Optional<RemoteStat> existing = target.stat(candidate);
      if (existing.isEmpty()) {
        break;
      }
      if (existing.get().size() == request.size()) {
        localSha = localSha == null ? hashSource(request) : localSha;
        if (StoredCopy.check(target, candidate, existing, request.size(), localSha).same()) {
          if (resumable) {
            target.delete(request.tempPath()); // what an earlier attempt left is not needed
          }
          return new Result(candidate, localSha, request.size(), 0, millisSince(started));
        }
      }
      if (suffix > MAX_SUFFIX) {
        throw new TargetException(ErrorKind.PERMANENT, "more than " + MAX_SUFFIX + " different files already stand at "
            + request.finalPath() + "; check mediaferry.target.layout");
      }
      candidate = RemoteLayout.withSuffix(request.finalPath(), suffix);
    }
    long kept = keptOfEarlierAttempt(request);
    try {
      String sha = kept > 0 ? resumeAndVerify(request, kept, progress, cancel) : uploadAndVerify(request, progress, cancel);
      requireUnchanged(request);
      target.renameNoReplace(request.tempPath(), candidate);
      return new Result(candidate, sha, request.size(), request.size() - kept, millisSince(started), kept);
    } catch (TargetException e) {
      // decided on the outcome, not the first failure: a cut whose source changed meanwhile
      // ends this generation, and no attempt of it comes back to resume the temp file
      TargetException outcome = sourceChangedOr(request, e);
      if (!worthResuming(request, outcome)) {
        deleteQuietly(request.tempPath(), outcome);
      }
      throw outcome;
    }
  }

  /**
   * The bytes of an earlier attempt's temp file that stay: for a file of resume-min-size or
   * more, the longest whole-mebibyte prefix (short of the last writes that were in flight)
   * whose SHA-256 on the target equals the same prefix's here. Anything else there is removed
   * and the upload starts over (0).
   */
  private long keptOfEarlierAttempt(Request request) throws TargetException {
    if (request.size() < resumeMinSize) {
      return 0; // its leftover was removed at the start
    }
    Optional<RemoteStat> temp = target.stat(request.tempPath());
    long prefix = temp.isEmpty() || temp.get().kind() != RemoteStat.Kind.FILE ? 0
        : (Math.min(temp.get().size(), request.size()) - RESUME_MARGIN) / RESUME_BLOCK * RESUME_BLOCK;
    if (prefix > 0) {
      Optional<String> stored = target.sha256OfPrefix(request.tempPath(), prefix);
      if (stored.isPresent() && stored.get().equals(hashSourcePrefix(request, prefix))) {
        return prefix;
      }
    }
    if (temp.isPresent()) {
      target.delete(request.tempPath()); // a leftover that cannot be continued
    }
    return 0;
  }


  /** A large file's upload cut by the network keeps its temp file, so the next attempt continues it. */
  private boolean worthResuming(Request request, TargetException failure) {
    return request.size() >= resumeMinSize && failure.kind() == ErrorKind.TRANSIENT
        && !(failure instanceof Target.Cancelled);
  }

  private String resumeAndVerify(Request request, long kept, Target.Progress progress, Target.CancelSignal cancel)
      throws TargetException {
    target.uploadFrom(request.source(), request.tempPath(), kept, progress, cancel);
    // the whole file's hash, read here again: the stored copy is checked exactly as after a full upload
    return verified(request, hashSource(request));
  }

  /**
   * A source that grew or was rewritten during the upload shows up first as a size or hash
   * mismatch (or any other failure): what happened is that the source changed, whichever
   * check noticed it, so it is reported as such and the file is taken again as a new one.
   */
  private static TargetException sourceChangedOr(Request request, TargetException failure) {
    if (failure instanceof Target.Cancelled || failure.kind() == ErrorKind.SOURCE_CHANGED) {
      return failure;
    }
    try {
      requireUnchanged(request);
      return failure;
    } catch (TargetException changed) {
      if (changed.kind() == ErrorKind.SOURCE_CHANGED) {
        changed.addSuppressed(failure);
        return changed;
      }
      return failure;
    }
  }

  private String uploadAndVerify(Request request, Target.Progress progress, Target.CancelSignal cancel)
      throws TargetException {
    // the target knows for which files the one-pass upload pays; where it declines, nothing was written
    Optional<Target.HashedUpload> hashed = target.uploadHashed(request.source(), request.tempPath(), progress, cancel);
    if (hashed.isPresent()) {
      return verifiedAsWritten(request, hashed.get());
    }
    return verified(request, target.upload(request.source(), request.tempPath(), progress, cancel));
  }

  /** One pass: the target's hash of the bytes as it wrote them equals ours, and so does the size. */
  private static String verifiedAsWritten(Request request, Target.HashedUpload upload) throws TargetException {
    if (upload.storedBytes() != request.size()) {
      throw sizeMismatch(request, upload.storedBytes());
    }
    if (!upload.storedSha256().equals(upload.sentSha256())) {
      throw hashMismatch(request, upload.sentSha256(), upload.storedSha256());
    }
    return upload.sentSha256();
  }

  /** The temp file holds exactly the source (size, then SHA-256 on the target): returns the hash. */
  private String verified(Request request, String sent) throws TargetException {
    StoredCopy.Check stored = StoredCopy.check(target, request.tempPath(), request.size(), sent);
    if (stored.verdict() == StoredCopy.Verdict.MISSING || stored.verdict() == StoredCopy.Verdict.OTHER_SIZE) {
      throw sizeMismatch(request, stored.storedBytes());
    }
    if (!stored.same()) {
      throw hashMismatch(request, sent, stored.storedSha256());
    }
    return sent;
  }

  private static TargetException sizeMismatch(Request request, long storedBytes) {
    return new TargetException(ErrorKind.CORRUPT, String.format(
        "size mismatch: local %s %d bytes, target %s %d bytes; the copy is discarded and retried",
        request.source(), request.size(), request.tempPath(), storedBytes));
  }

  private static TargetException hashMismatch(Request request, String sent, String stored) {
    return new TargetException(ErrorKind.CORRUPT, String.format(
        "hash mismatch: local %s sha256 %s, target %s sha256 %s; the copy is discarded and retried",
        request.source(), sent, request.tempPath(), stored));
  }

  /**
   * The source must still be the file that was discovered: a regular file (not a link, read
   * without following one), same size, same mtime, same file key (inode).
   */
  public static void requireUnchanged(Request request) throws TargetException {
    LocalIdentity now;
    try {
      now = LocalIdentity.of(request.source());
    } catch (LocalIdentity.NotARegularFile e) {
      throw replaced(request, e.link() ? "now a symbolic link" : "another file under its name");
    } catch (NoSuchFileException e) {
      // not an error of ours to quarantine: this generation ends, and a file put back there is a new one
      throw new TargetException(ErrorKind.SOURCE_CHANGED, "source file " + request.source()
          + " disappeared before it was safely copied (nothing of it stays on the target); if it was moved by hand, "
          + "nothing is lost, and a file put back under its name is taken as a new file", e);
    } catch (IOException e) {
      throw new TargetException(ErrorKind.PERMANENT, "cannot read source file " + request.source() + ": " + e
          + "; check that the mediaferry user can read it", e);
    }
    if (!now.isSameFile(request.fileKey())) {
      throw replaced(request, "another file under its name");
    }
    if (!now.hasSizeAndTime(request.size(), request.mtimeMillis())) {
      throw new TargetException(ErrorKind.SOURCE_CHANGED, String.format(
          "source %s changed while being copied (size %d -> %d); it will be taken again once it is stable",
          request.source(), request.size(), now.size()));
    }
  }

  private static TargetException replaced(Request request, String how) {
    return new TargetException(ErrorKind.SOURCE_CHANGED, "source " + request.source() + " was replaced since it was "
        + "discovered (" + how + "); it is not copied through, and a new regular file there is taken as a new file");
  }

  private static String hashSource(Request request) throws TargetException {
    try {
      return Sha256.of(request.source());
    } catch (IOException e) {
      throw new TargetException(ErrorKind.PERMANENT, "cannot read source file " + request.source() + ": " + e, e);
    }
  }

  private static String hashSourcePrefix(Request request, long length) throws TargetException {
    try (java.io.InputStream in = java.nio.file.Files.newInputStream(request.source(),
        java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return Sha256.ofPrefix(in, length).orElse("");
    } catch (IOException e) {
      throw new TargetException(ErrorKind.PERMANENT, "cannot read source file " + request.source() + ": " + e, e);
    }
  }

  /**
   * Removes a failed copy's temp file, trying again on a transient error: the failure that
   * brought us here often broke more than one pooled connection (a NAS-side kill breaks them
   * all), and when the source changed no later attempt of this generation comes to clean up.
   * Still failing after the last try (the NAS is gone for longer), a warning names it.
   */
  private void deleteQuietly(String path, TargetException cause) {
    for (int attempt = 1; ; attempt++) {
      try {
        target.delete(path);
        return;
      } catch (TargetException e) {
        boolean last = attempt == TEMP_DELETE_TRIES || e.kind() != ErrorKind.TRANSIENT
            || cause instanceof Target.Cancelled; // at shutdown: the next run's attempt cleans it
        if (last || !pause(TEMP_DELETE_PAUSE_MS * attempt)) {
          cause.addSuppressed(e);
          if (!(cause instanceof Target.Cancelled)) {
            LOG.warn("could not remove {} (the temp file of a failed copy) after {} tries: {}. If a later attempt "
                + "of this file does not take it over, remove it on the target: nothing refers to it", path, attempt,
                e.getMessage());
          }
          return;
        }
      }
    }
  }

  /** False when interrupted (shutdown). */
  private static boolean pause(long millis) {
    try {
      Thread.sleep(millis);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static long millisSince(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }
}
