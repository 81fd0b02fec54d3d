package dev.mediaferry.transfer;

/** What a run did; printed as one line by `run --once`. */
public record RunSummary(int files, int verified, int deleted, int failed, long bytesSent) {

  RunSummary plusVerified(long bytes) {
    return new RunSummary(files + 1, verified + 1, deleted, failed, bytesSent + bytes);
  }

  RunSummary plusDeleted() {
    return new RunSummary(files, verified, deleted + 1, failed, bytesSent);
  }

  RunSummary plusFailed() {
    return new RunSummary(files + 1, verified, deleted, failed + 1, bytesSent);
  }

  /** Files still waiting (for target space) when a --once run ends count as not done. */
  RunSummary plusWaiting(int files) {
    return new RunSummary(this.files + files, verified, deleted, failed + files, bytesSent);
  }

  RunSummary plusOther() {
    return new RunSummary(files + 1, verified, deleted, failed, bytesSent);
  }

  public String line(double seconds) {
    double mb = bytesSent / 1e6;
    return String.format("mediaferry: %d files, %d verified, %d deleted, %d failed; %.1f MB sent in %.1f s (%.1f MB/s)",
        files, verified, deleted, failed, mb, seconds, seconds > 0 ? mb / seconds : 0.0);
  }
}
