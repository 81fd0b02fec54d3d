package dev.mediaferry.storage;

import dev.mediaferry.config.Settings;
import dev.mediaferry.file.FileInfo;
import dev.mediaferry.journal.FileIndex;
import dev.mediaferry.targets.RemoteLayout;
import dev.mediaferry.targets.RemoteStat;
import dev.mediaferry.targets.Space;
import dev.mediaferry.targets.Target;
import dev.mediaferry.targets.TargetException;
import dev.mediaferry.targets.TargetIdentity;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Retention's plan for a measured target: the files to remove to get back above the reserve. */
public final class Retention {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Retention.class);
  /** At most this many delivered files are looked at per check (the oldest). */
  private static final int CANDIDATES = 10_000;

  private Retention() {}

  /** Bytes missing below the reserve; 0 when the target is at or above it. */
  public static long shortfall(Space space, Settings.Storage settings) {
    return Math.max(0, settings.reserveOf(space.totalBytes()) - space.freeBytes());
  }

  public static List<RetentionPlan.Candidate> plan(FileIndex index, Target target, Settings.Storage settings,
      long bytesToFree, Instant now) throws SQLException, TargetException {
    Set<String> reliedOn = index.remotePathsReliedOn(
        now.minus(java.time.Duration.ofDays(settings.retention().keepDays())).toEpochMilli());
    List<RetentionPlan.Candidate> candidates = new ArrayList<>(index.deletedOldestFirst(CANDIDATES).stream()
        .filter(row -> !reliedOn.contains(row.state().remotePath()))
        .map(row -> new RetentionPlan.Candidate(row.state().file().fileId(), row.state().file().relativePath(),
            row.state().remotePath(), row.state().bytes(), Instant.ofEpochMilli(row.updatedAt())))
        .toList());
    if (settings.retention().scope() == Settings.RetentionScope.ALL) {
      candidates.addAll(foreignFiles(target, index.remotePaths().keySet()));
    }
    return RetentionPlan.choose(candidates, settings.retention(), bytesToFree, now);
  }

  /**
   * scope = all: files on the target the journal does not know (other tools' files, or files
   * whose history was archived), aged by their mtime. Files the journal knows are left to the
   * journal's rules: a copy whose local file still exists is never a candidate.
   */
  private static List<RetentionPlan.Candidate> foreignFiles(Target target, Set<String> known) throws TargetException {
    List<RetentionPlan.Candidate> foreign = new ArrayList<>();
    ArrayDeque<String> folders = new ArrayDeque<>(List.of(""));
    while (!folders.isEmpty() && foreign.size() < CANDIDATES) {
      String folder = folders.poll();
      for (String name : target.list(folder)) {
        String path = folder.isEmpty() ? name : folder + "/" + name;
        RemoteStat stat = target.stat(path).orElse(null); // links are reported, never followed
        if (stat == null || RemoteLayout.isTempName(name) || TargetIdentity.isMarker(path)) {
          continue;
        }
        if (stat.directory()) {
          folders.add(path);
        } else if (!stat.regularFile()) {
          LOG.warn("retention: {} on {} is {}; it is neither followed nor removed", path, target.describe(),
              stat.kind() == RemoteStat.Kind.LINK ? "a symbolic link" : "not a regular file");
        } else if (!known.contains(path)) {
          String label = "(on target) " + path;
          foreign.add(new RetentionPlan.Candidate(FileInfo.of(label, stat.size(), stat.mtimeMillis()).fileId(), label,
              path, stat.size(), Instant.ofEpochMilli(stat.mtimeMillis())));
        }
      }
    }
    return foreign;
  }
}
