package dev.mediaferry.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mediaferry.config.Settings;
import dev.mediaferry.testing.Cli;
import dev.mediaferry.testing.JournalContents;
import dev.mediaferry.testing.SyntheticJournal;
import dev.mediaferry.testing.TestSettings;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** db archive moves finished files out of the journal; audit --archive gives the same answers as before. */
class ArchiveTest {
  @TempDir Path root;

  @Test
  void archiveThenAuditWithTheArchiveGivesTheSameTimelines() throws Exception {
    Settings settings = TestSettings.under(root.resolve("home"), Map.of());
    SyntheticJournal.write(settings, 200); // finished over the past year, evenly
    String config = Cli.configFile(root, "mediaferry.home = \"" + root.resolve("home") + "\"\n");
    Path archive = root.resolve("old.jsonl.gz");
    String cutoff = Instant.now().minus(182, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS).toString();
    String oldFile = "flight-0/DJI_3.MP4";

    Cli.Result csvBefore = Cli.run(root, "audit", "--config", config, "--format", "csv");
    Cli.Result timelineBefore = Cli.run(root, "audit", "--config", config, "--file", oldFile, "--format", "json");
    Cli.Result archived = Cli.run(root, "db", "archive", "--config", config, "--before", cutoff, "--to",
        archive.toString());
    int filesLeft = JournalContents.read(settings).size();
    Cli.Result csvAfter = Cli.run(root, "audit", "--config", config, "--archive", archive.toString(), "--format", "csv");
    Cli.Result timelineAfter = Cli.run(root, "audit", "--config", config, "--archive", archive.toString(), "--file",
        oldFile, "--format", "json");
    Cli.Result verify = Cli.run(root, "audit", "--config", config, "--archive", archive.toString(), "--verify");

    assertEquals(0, archived.exitCode(), archived.stderr());
    assertTrue(archived.stdout().startsWith("archived "), archived.stdout());
    assertTrue(filesLeft > 50 && filesLeft < 150, "about half the files left the journal: " + filesLeft);
    assertEquals(csvBefore.stdout(), csvAfter.stdout());
    assertEquals(timelineBefore.stdout(), timelineAfter.stdout());
    assertTrue(timelineBefore.stdout().lines().count() == 6, timelineBefore.stdout());
    assertEquals(200, Archive.readAll(archive).stream().map(AuditEvent::fileId).distinct().count() + filesLeft);
    assertTrue(verify.stdout().contains("verified 200 files: no violations"), verify.stdout());
  }
}
