package dev.mediaferry.file;

import dev.mediaferry.file.FileEvent.*;

/**
 * What the journal says of one file now. Immutable: the event handler returns a new one.
 * Fields not yet known are null (or 0). attempt counts attempts started (crashes and
 * shutdowns included); failures counts attempts that ended in a journaled failure, and only
 * those count against the retry limit (a kill -9 is not the file's fault).
 */
public record FileState(
    Status status,
    FileInfo file,
    int attempt,
    String tempPath,
    Long retryAtMillis,
    ErrorKind lastErrorKind,
    String lastError,
    String remotePath,
    String sha256,
    long bytes,
    Long deleteDueAtMillis,
    boolean rechecked,
    String trashPath,
    int failures) implements CborSerializable {

  public enum Status {
    /** Nothing journaled yet. */
    NEW,
    /** Known and waiting for (another) transfer attempt, possibly until retryAt. */
    DISCOVERED,
    /** An attempt started; after a crash it is started again. */
    TRANSFERRING,
    /** The target copy is verified; the local copy stays (after-sync off, or not yet scheduled). */
    VERIFIED,
    /** Verified, and the local copy is due for deletion at deleteDueAt. */
    PENDING_DELETE,
    /** The local copy was moved to the trash. */
    DELETED,
    /** Given up: a permanent error or too many attempts. Needs an operator. */
    QUARANTINED,
    /** The local file changed or vanished; a changed file continues under a new id. */
    SUPERSEDED,
    /** Deleted locally long ago, and now its target copy too, by retention (storage.retention). */
    PURGED;

    /** States in which nothing more happens without an operator or a new file. */
    public boolean isFinal() {
      return this == DELETED || this == QUARANTINED || this == SUPERSEDED || this == PURGED;
    }
  }

  public static final FileState EMPTY =
      new FileState(Status.NEW, null, 0, null, null, null, null, null, null, 0, null, false, null, 0);

  /** What an event means for a file's state: shared by the entity, the read model and audit. */
  public FileState apply(FileEvent event) {
    if (event instanceof Discovered e) {
      return discovered(FileInfo.of(e.path(), e.size(), e.mtimeMillis()));
    } else if (event instanceof Rediscovered e) {
      return EMPTY.discovered(FileInfo.of(e.path(), e.size(), e.mtimeMillis()));
    } else if (event instanceof TransferStarted e) {
      return started(e.attempt(), e.tempPath());
    } else if (event instanceof TransferFailed e) {
      return afterFailure(e);
    } else if (event instanceof Verified e) {
      return verified(e.remotePath(), e.sha256(), e.bytes());
    } else if (event instanceof DeleteScheduled e) {
      return deleteScheduled(e.dueAtMillis());
    } else if (event instanceof DeleteAdvanced e) {
      return deleteScheduled(e.dueAtMillis());
    } else if (event instanceof DeleteRechecked e) {
      return afterRecheck(e);
    } else if (event instanceof MovingToTrash e) {
      return movingToTrash(e.trashPath());
    } else if (event instanceof SourceDeleted e) {
      return deleted(e.trashPath());
    } else if (event instanceof TransferResumed) {
      return this; // a fact about how the copy went; the Verified beside it moves the file on
    } else if (event instanceof Released) {
      return released();
    } else if (event instanceof RemoteCopyPurged e) {
      return status == Status.NEW ? purgedForeign(e.remotePath(), e.bytes()) : with(Status.PURGED);
    }
    throw new IllegalArgumentException("unknown event " + event);
  }

  private FileState afterFailure(TransferFailed e) {
    Status next = e.retryAtMillis() != null ? Status.DISCOVERED
        : e.kind() == ErrorKind.SOURCE_CHANGED ? Status.SUPERSEDED
        : Status.QUARANTINED;
    return failed(next, e.kind(), e.message(), e.retryAtMillis());
  }

  private FileState afterRecheck(DeleteRechecked e) {
    return switch (e.outcome()) {
      case OK -> recheckPassed();
      case TARGET_COPY_BAD -> backToTransfer(e.message());
      case SOURCE_CHANGED, SOURCE_MISSING -> with(Status.SUPERSEDED);
    };
  }

  private FileState with(Status newStatus) {
    return new FileState(newStatus, file, attempt, tempPath, retryAtMillis, lastErrorKind, lastError, remotePath,
        sha256, bytes, deleteDueAtMillis, rechecked, trashPath, failures);
  }

  private FileState discovered(FileInfo discovered) {
    return new FileState(Status.DISCOVERED, discovered, 0, null, null, null, null, null, null, 0, null, false, null, 0);
  }

  private FileState started(int newAttempt, String newTempPath) {
    return new FileState(Status.TRANSFERRING, file, newAttempt, newTempPath, null, lastErrorKind, lastError, null,
        null, 0, null, false, null, failures);
  }

  private FileState failed(Status newStatus, ErrorKind kind, String message, Long retryAt) {
    return new FileState(newStatus, file, attempt, null, retryAt, kind, message, remotePath, sha256, bytes,
        null, false, trashPath, failures + (kind.countsAsFailure() ? 1 : 0));
  }

  private FileState verified(String newRemotePath, String newSha256, long newBytes) {
    return new FileState(Status.VERIFIED, file, attempt, null, null, lastErrorKind, lastError, newRemotePath,
        newSha256, newBytes, null, false, null, failures);
  }

  private FileState deleteScheduled(long dueAt) {
    return new FileState(Status.PENDING_DELETE, file, attempt, null, null, lastErrorKind, lastError, remotePath,
        sha256, bytes, dueAt, false, null, failures);
  }

  private FileState recheckPassed() {
    return new FileState(status, file, attempt, null, null, lastErrorKind, lastError, remotePath, sha256, bytes,
        deleteDueAtMillis, true, null, failures);
  }

  /** A failed recheck sends the file back to transfer from attempt 0. */
  private FileState backToTransfer(String message) {
    return new FileState(Status.DISCOVERED, file, 0, null, null, ErrorKind.CORRUPT, message, null, null, 0,
        null, false, null, 0);
  }

  /** Released by an operator: back to the queue, its failures forgotten (the retry budget starts again). */
  private FileState released() {
    return new FileState(Status.DISCOVERED, file, attempt, null, null, lastErrorKind, lastError, null, null, 0,
        null, false, null, 0);
  }

  /**
   * Whether an operator may release the file for another transfer: null if so, else why not.
   * A superseded file qualifies only while its source still has the recorded size and mtime
   * (sourceUnchanged): a changed source is already offloaded under its new identity.
   */
  public String whyNotReleasable(boolean sourceUnchanged) {
    return switch (status) {
      case QUARANTINED -> null;
      case SUPERSEDED -> sourceUnchanged ? null
          : "it was superseded and its source changed or is gone: the current file is offloaded as a new one";
      default -> "it is " + status + ", not quarantined or superseded";
    };
  }

  /** A file the journal never knew, removed from the target by retention (scope = all). */
  private FileState purgedForeign(String foreignRemotePath, long foreignBytes) {
    return new FileState(Status.PURGED, null, 0, null, null, null, null, foreignRemotePath, null, foreignBytes,
        null, false, null, 0);
  }

  /** The recheck passed and the local copy is about to be moved to trashPath. */
  private FileState movingToTrash(String plannedTrashPath) {
    return new FileState(status, file, attempt, null, null, lastErrorKind, lastError, remotePath, sha256, bytes,
        deleteDueAtMillis, true, plannedTrashPath, failures);
  }

  private FileState deleted(String newTrashPath) {
    return new FileState(Status.DELETED, file, attempt, null, null, lastErrorKind, lastError, remotePath, sha256,
        bytes, deleteDueAtMillis, rechecked, newTrashPath, failures);
  }
}
