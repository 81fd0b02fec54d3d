package dev.mediaferry.discovery;

import dev.mediaferry.file.FileInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides when a file is finished being written: its size and mtime must stay the same
 * across scans for stable-for. A file that changes starts its wait again. Not thread-safe:
 * owned by the scanner actor.
 */
public final class Stability {
  private record Seen(long size, long mtimeMillis, long sinceNanos) {}

  private final long stableForNanos;
  private final Map<String, Seen> seen = new HashMap<>();

  public Stability(Duration stableFor) {
    this.stableForNanos = stableFor.toNanos();
  }

  /** One scan's observations in; the files stable now out. Files no longer present are forgotten. */
  public List<FileInfo> observe(List<FileInfo> scanned, long nowNanos) {
    List<FileInfo> stable = new ArrayList<>();
    Set<String> present = new HashSet<>();
    for (FileInfo file : scanned) {
      present.add(file.relativePath());
      Seen before = seen.get(file.relativePath());
      if (before == null || before.size() != file.size() || before.mtimeMillis() != file.mtimeMillis()) {
        seen.put(file.relativePath(), new Seen(file.size(), file.mtimeMillis(), nowNanos));
        before = seen.get(file.relativePath());
      }
      if (nowNanos - before.sinceNanos() >= stableForNanos) {
        stable.add(file);
      }
    }
    seen.keySet().retainAll(present);
    return stable;
  }
}
