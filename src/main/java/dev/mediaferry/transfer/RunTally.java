package dev.mediaferry.transfer;

import dev.mediaferry.file.FileState.Status;
import java.util.HashSet;
import java.util.Set;

/** What this run did, file by file, for the `run --once` summary. */
final class RunTally {
  private RunSummary summary = new RunSummary(0, 0, 0, 0, 0);
  /** Names already reported as not valid UTF-8 this run. */
  private final Set<String> badNames = new HashSet<>();

  /**
   * Files counted as verified this run: one can come to rest verified twice (a take-up and a
   * scan). Null in a daemon, which runs for years and reports no summary.
   */
  private final Set<String> verified;

  /** distinctFiles: count each file once (a --once run); a daemon keeps no set that only grows. */
  RunTally(boolean distinctFiles) {
    this.verified = distinctFiles ? new HashSet<>() : null;
  }

  /** A file came to rest in status; wasTransfer: this rest ends a transfer attempt of this run. */
  void rested(String fileId, Status status, long bytesSent, boolean wasTransfer) {
    summary = switch (status) {
      case VERIFIED, PENDING_DELETE -> wasTransfer && (verified == null || verified.add(fileId))
          ? summary.plusVerified(bytesSent) : summary;
      case DELETED -> wasTransfer ? summary.plusOther().plusDeleted() : summary.plusDeleted();
      case QUARANTINED -> summary.plusFailed();
      case SUPERSEDED -> wasTransfer ? summary.plusOther() : summary;
      default -> summary;
    };
  }

  /** A name that cannot be offloaded counts as failed, once per run; returns whether it is new. */
  boolean badName(String path) {
    if (!badNames.add(path)) {
      return false;
    }
    summary = summary.plusFailed();
    return true;
  }

  /** The run's summary; files still held back when it ends count as not done. */
  RunSummary summary(int heldBack) {
    return heldBack == 0 ? summary : summary.plusWaiting(heldBack);
  }
}
