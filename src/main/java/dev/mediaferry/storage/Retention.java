package dev.mediaferry.storage;

import dev.mediaferry.config.Settings;
import dev.mediaferry.journal.FileIndex;
import dev.mediaferry.target.Space;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/** Retention's plan for a measured target: the delivered files to remove to get back above the reserve. */
public final class Retention {
  /** At most this many delivered files are looked at per check (the oldest). */
  private static final int CANDIDATES = 10_000;

  private Retention() {}

  /** Bytes missing below the reserve; 0 when the target is at or above it. */
  public static long shortfall(Space space, Settings.Storage settings) {
    return Math.max(0, settings.reserveOf(space.totalBytes()) - space.freeBytes());
  }

  public static List<RetentionPlan.Candidate> plan(FileIndex index, Settings.Storage settings, long bytesToFree,
      Instant now) throws SQLException {
    List<RetentionPlan.Candidate> candidates = index.deletedOldestFirst(CANDIDATES).stream()
        .map(row -> new RetentionPlan.Candidate(row.state().file().fileId(), row.state().file().relativePath(),
            row.state().remotePath(), row.state().bytes(), Instant.ofEpochMilli(row.updatedAt())))
        .toList();
    return RetentionPlan.choose(candidates, settings.retention(), bytesToFree, now);
  }
}
