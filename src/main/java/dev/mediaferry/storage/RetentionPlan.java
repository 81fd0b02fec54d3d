package dev.mediaferry.storage;

import dev.mediaferry.config.Settings;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import dev.mediaferry.concurrent.WallClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Which delivered files retention removes from the target: those matching the include
 * globs and delivered more than keep-days ago, oldest first, until enough bytes are freed.
 */
public final class RetentionPlan {

  /** A file on the target that mediaferry delivered and whose local copy is gone. */
  public record Candidate(String fileId, String relativePath, String remotePath, long bytes, Instant deliveredAt) {}

  private RetentionPlan() {}

  public static List<Candidate> choose(List<Candidate> candidates, Settings.Retention retention, long bytesToFree,
      Instant now) {
    List<PathMatcher> include = retention.include().stream()
        .map(glob -> FileSystems.getDefault().getPathMatcher("glob:" + glob)).toList();
    List<Candidate> chosen = new ArrayList<>();
    if (!WallClock.isSet(now.toEpochMilli())) {
      return chosen; // no age can be told against an unset clock
    }
    Instant newest = now.minus(Duration.ofDays(retention.keepDays()));
    long freed = 0;
    // a time from before the clock was set says nothing about age: such a copy is never chosen
    for (Candidate c : candidates.stream().filter(c -> WallClock.isSet(c.deliveredAt().toEpochMilli()))
        .sorted(Comparator.comparing(Candidate::deliveredAt)).toList()) {
      if (freed >= bytesToFree || !c.deliveredAt().isBefore(newest)) {
        break; // sorted: everything after is newer
      }
      Path remote = Path.of(c.remotePath());
      if (include.stream().anyMatch(m -> m.matches(remote))) {
        chosen.add(c);
        freed += c.bytes();
      }
    }
    return chosen;
  }
}
