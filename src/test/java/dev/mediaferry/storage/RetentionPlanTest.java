package dev.mediaferry.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mediaferry.config.Settings;
import dev.mediaferry.storage.RetentionPlan.Candidate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetentionPlanTest {
  static final Instant NOW = Instant.parse("2026-11-23T00:00:00Z");

  private static Candidate file(String name, long bytes, int daysAgo) {
    return new Candidate(name, name, "2026/01/01/" + name, bytes, NOW.minus(daysAgo, ChronoUnit.DAYS));
  }

  @Test
  void removesTheOldestMatchingFilesOutsideKeepDaysUntilEnoughIsFreed() {
    List<Candidate> candidates = List.of(
        file("young.MP4", 100, 29),        // inside keep-days: never
        file("old-photo.JPG", 100, 300),   // outside the include globs: never
        file("oldest.MP4", 100, 400),
        file("older.MP4", 100, 200),
        file("old.MP4", 100, 100),
        file("spare.MP4", 100, 40));
    Settings.Retention retention = new Settings.Retention(true, List.of("**/*.MP4"), 30, Settings.RetentionScope.JOURNAL);

    List<Candidate> chosen = RetentionPlan.choose(candidates, retention, 250, NOW);

    assertEquals(List.of("oldest.MP4", "older.MP4", "old.MP4"), chosen.stream().map(Candidate::fileId).toList());
    assertEquals(List.of("oldest.MP4", "older.MP4", "old.MP4", "spare.MP4"),
        RetentionPlan.choose(candidates, retention, 10_000, NOW).stream().map(Candidate::fileId).toList(),
        "never the young one nor the photo, however much is missing");
    assertEquals(List.of(), RetentionPlan.choose(candidates, retention, 0, NOW));
  }

  /** Issue 8, item 21: times read from a clock that was not set yet (1970, 2000) say nothing about age. */
  @Test
  void timesFromAnUnsetClockNeverMakeAFileOldAndAnUnsetClockChoosesNothing() {
    Candidate bootedIn2000 = new Candidate("rtc", "rtc", "2026/01/01/rtc.MP4", 100, Instant.parse("2000-01-01T00:10:00Z"));
    List<Candidate> candidates = List.of(bootedIn2000, file("old.MP4", 100, 100));
    Settings.Retention retention = new Settings.Retention(true, List.of("**/*.MP4"), 30, Settings.RetentionScope.JOURNAL);

    assertEquals(List.of("old.MP4"),
        RetentionPlan.choose(candidates, retention, 10_000, NOW).stream().map(Candidate::fileId).toList());
    assertEquals(List.of(), RetentionPlan.choose(candidates, retention, 10_000, Instant.parse("1970-01-01T00:05:00Z")));
  }
}
