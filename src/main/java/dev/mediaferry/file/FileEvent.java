package dev.mediaferry.file;

import dev.mediaferry.file.FileState.Status;

/**
 * What happened to a file, as its journal records it. {@link FileState#apply} gives each
 * event its meaning. These classes are the journal's format: never rename or move one
 * without a migration (journal.MovedEventClasses maps the names they were first written
 * under), or old journals stop loading.
 */
public sealed interface FileEvent extends CborSerializable {

  /** Every file's events carry this tag: the read model and audit read them all by it. */
  String TAG = "file";

  /** A file's journal is named "FileTransfer|" + its id (Pekko's PersistenceId.of("FileTransfer", id)). */
  static String persistenceId(String fileId) {
    return "FileTransfer|" + fileId;
  }

  public record Discovered(String path, long size, long mtimeMillis, String source) implements FileEvent {}

  public record TransferStarted(int attempt, String target, String finalPath, String tempPath) implements FileEvent {}

  /** retryAt null: no retry; the file is quarantined, or superseded when its source changed. */
  public record TransferFailed(int attempt, ErrorKind kind, String message, Long retryAtMillis) implements FileEvent {}

  /**
   * The attempt continued an earlier attempt's temp file (cut by the network, a kill or a NAS
   * restart): bytesKept were already there and matched by SHA-256, bytesSent went now.
   * Journaled with the Verified event that follows it.
   */
  public record TransferResumed(int attempt, long bytesKept, long bytesSent) implements FileEvent {}

  public record Verified(String remotePath, String sha256, long bytes, long bytesSent, long durationMs)
      implements FileEvent {}

  public record DeleteScheduled(long dueAtMillis) implements FileEvent {}

  /** The delete was brought forward from its scheduled time, for the reason given. */
  public record DeleteAdvanced(long scheduledDueAtMillis, long dueAtMillis, String reason) implements FileEvent {}

  public record DeleteRechecked(boolean ok, RecheckOutcome outcome, String remoteSha256, String message)
      implements FileEvent {}

  /**
   * Journaled right before the local copy is moved to trashPath: if the daemon dies between the
   * move and SourceDeleted, recovery finds the file there and finishes the record.
   */
  public record MovingToTrash(String trashPath) implements FileEvent {}

  /**
   * A file with the id (path, size, mtime) of a finished one appeared in the source: a camera
   * with an unset clock, or `cp -p`. It is a new generation of that id and lives its whole
   * life again; previous is where the last generation had ended (DELETED, SUPERSEDED, PURGED).
   */
  public record Rediscovered(String path, long size, long mtimeMillis, String source, Status previous)
      implements FileEvent {}

  /**
   * An operator released a file that had come to rest by an error (quarantined, or superseded
   * while its source is unchanged): it is transferred again with a fresh retry budget. by says
   * who (the OS user running `mediaferry retry`), reason why.
   */
  public record Released(String reason, String by, Status previous) implements FileEvent {}

  public record SourceDeleted(String mode, String trashPath) implements FileEvent {}

  public record RemoteCopyPurged(String remotePath, long bytes, String reason) implements FileEvent {}
}
