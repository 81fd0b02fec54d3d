package dev.mediaferry.storage;

import dev.mediaferry.file.FileInfo;
import dev.mediaferry.file.FileState.Status;
import dev.mediaferry.journal.FileIndex;
import dev.mediaferry.targets.Space;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * What `mediaferry storage` reports beside the measured space: the files in the source folder
 * not yet verified, the bytes verified in the last 30 days, and the days until the target
 * reaches its reserve at that rate.
 */
public record IngestEstimate(int waitingFiles, long waitingBytes, long ingest30Days, OptionalDouble daysLeft) {
  private static final Set<Status> DONE = EnumSet.of(Status.VERIFIED, Status.PENDING_DELETE, Status.DELETED,
      Status.QUARANTINED, Status.SUPERSEDED);

  /** target: measured space, or null when unknown (then no estimate). */
  public static IngestEstimate of(FileIndex index, List<FileInfo> present, Space target, long reserve, Instant now)
      throws SQLException {
    Map<String, FileIndex.Row> rows = index.getAll(present.stream().map(FileInfo::fileId).toList());
    List<FileInfo> waiting = present.stream().filter(f -> rows.get(f.fileId()) == null
        || !DONE.contains(rows.get(f.fileId()).state().status())).toList();
    long ingest = index.bytesVerifiedSince(now.minus(Duration.ofDays(30)).toEpochMilli());
    OptionalDouble days = target != null && ingest > 0
        ? OptionalDouble.of(Math.max(0, target.freeBytes() - reserve) / (ingest / 30.0)) : OptionalDouble.empty();
    return new IngestEstimate(waiting.size(), waiting.stream().mapToLong(FileInfo::size).sum(), ingest, days);
  }
}
