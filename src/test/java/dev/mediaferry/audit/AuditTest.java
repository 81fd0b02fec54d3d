package dev.mediaferry.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mediaferry.config.Settings;
import dev.mediaferry.daemon.Daemon;
import dev.mediaferry.file.ErrorKind;
import dev.mediaferry.file.FileEvent.DeleteRechecked;
import dev.mediaferry.file.FileEvent.DeleteScheduled;
import dev.mediaferry.file.FileEvent.Discovered;
import dev.mediaferry.file.FileEvent.SourceDeleted;
import dev.mediaferry.file.FileEvent.TransferStarted;
import dev.mediaferry.file.FileEvent.Verified;
import dev.mediaferry.file.RecheckOutcome;
import dev.mediaferry.journal.JournalDatabase;
import dev.mediaferry.targets.LocalTarget;
import dev.mediaferry.testing.Cli;
import dev.mediaferry.testing.FaultyTarget;
import dev.mediaferry.testing.JournalContents;
import dev.mediaferry.testing.JournalWriter;
import dev.mediaferry.testing.TestFiles;
import dev.mediaferry.testing.TestSettings;
import dev.mediaferry.transfer.RunSummary;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** audit over real SQLite journals: one from a real run, and ones tampered with on purpose. */
class AuditTest {
  static final String A = "a".repeat(64);
  static final String B = "b".repeat(64);

  @TempDir Path root;

  private String config(Path home, String delay) throws Exception {
    return Cli.configFile(root, "mediaferry.home = \"" + home + "\"\nmediaferry.delete.delay = " + delay + "\n");
  }

  @Test
  void journalOfARealRunWithRetriesQuarantineAndDeletesVerifiesClean() throws Exception {
    Settings settings = TestSettings.under(root.resolve("run"), Map.of());
    for (int i = 0; i < 4; i++) {
      TestFiles.write(settings.source().dir().resolve("clip-" + i + ".mp4"), 300_000, i);
    }
    TestFiles.write(settings.source().dir().resolve("denied.mp4"), 1000, 9);
    FaultyTarget target = new FaultyTarget(new LocalTarget(TestSettings.nas(settings)))
        .breakAfterBytes(100_000, 2).failPermanentlyFor("denied");
    JournalDatabase.ensureSchema(settings.journalFile());
    Daemon daemon = Daemon.start(settings, target, true);
    RunSummary summary = daemon.summary().get(60, TimeUnit.SECONDS);
    daemon.stop().get(60, TimeUnit.SECONDS);
    assertEquals(new RunSummary(5, 4, 4, 1, 1_200_000), summary);
    String config = config(root.resolve("run"), "0s");

    Cli.Result verify = Cli.run(root, "audit", "--config", config, "--verify");
    Cli.Result overview = Cli.run(root, "audit", "--config", config);
    Cli.Result json = Cli.run(root, "audit", "--config", config, "--format", "json");
    Cli.Result csv = Cli.run(root, "audit", "--config", config, "--format", "csv");
    Cli.Result quarantined = Cli.run(root, "audit", "--config", config, "--state", "QUARANTINED");
    Cli.Result timeline = Cli.run(root, "audit", "--config", config, "--file", "clip-0.mp4", "--format", "json");

    assertEquals(0, verify.exitCode(), verify.stdout());
    assertTrue(verify.stdout().contains("verified 5 files: no violations"), verify.stdout());
    assertTrue(overview.stdout().contains("DELETED         4"), overview.stdout());
    assertTrue(overview.stdout().contains("QUARANTINED     1"), overview.stdout());
    long events = JournalContents.read(settings).values().stream().mapToLong(List::size).sum();
    ObjectMapper mapper = new ObjectMapper();
    List<JsonNode> lines = new ArrayList<>();
    for (String line : json.stdout().split("\n")) {
      lines.add(mapper.readTree(line));
    }
    assertEquals(events, lines.size());
    assertTrue(lines.stream().allMatch(n -> n.has("time") && n.has("file_id") && n.has("event") && n.has("path")));
    assertEquals(2, lines.stream().filter(n -> n.get("event").asText().equals("TransferFailed")
        && n.get("kind").asText().equals("TRANSIENT")).count());
    List<List<String>> rows = parseCsv(csv.stdout());
    assertEquals(events + 1, rows.size());
    assertTrue(rows.stream().allMatch(r -> r.size() == rows.get(0).size()), "every row has every column");
    assertTrue(quarantined.stdout().contains("denied.mp4") && quarantined.stdout().contains("permission denied"),
        quarantined.stdout());
    String[] clip = timeline.stdout().split("\n");
    assertEquals("Discovered", mapper.readTree(clip[0]).get("event").asText());
    assertEquals("SourceDeleted", mapper.readTree(clip[clip.length - 1]).get("event").asText());
  }

  @Test
  void fileTakesABareNameForEveryFileOfThatNameAndAGlob() throws Exception {
    Settings settings = journal("names", "0s");
    try (JournalWriter writer = new JournalWriter(settings)) {
      writer.append("f1", discovered("flight-1/DJI_0001.MP4"), started());
      writer.append("f2", discovered("flight-2/DJI_0001.MP4"), started());
      writer.append("f3", discovered("flight-2/DJI_0002.MP4"), started());
    }
    String config = config(root.resolve("names"), "0s");

    Cli.Result byName = Cli.run(root, "audit", "--config", config, "--file", "DJI_0001.MP4", "--format", "csv");
    Cli.Result byGlob = Cli.run(root, "audit", "--config", config, "--file", "flight-2/*", "--format", "csv");
    Cli.Result byNameGlob = Cli.run(root, "audit", "--config", config, "--file", "DJI_000?.MP4", "--format", "csv");

    assertEquals(List.of("f1 flight-1/DJI_0001.MP4", "f2 flight-2/DJI_0001.MP4"), filesIn(byName));
    assertEquals(List.of("f2 flight-2/DJI_0001.MP4", "f3 flight-2/DJI_0002.MP4"), filesIn(byGlob));
    assertEquals(3, filesIn(byNameGlob).size(), byNameGlob.stdout());
  }

  /** The distinct (file id, path) pairs of a CSV timeline. */
  private static List<String> filesIn(Cli.Result csv) {
    assertEquals(0, csv.exitCode(), csv.stderr());
    return parseCsv(csv.stdout()).stream().skip(1).map(r -> r.get(1) + " " + r.get(2)).distinct().sorted().toList();
  }

  @Test
  void timesStoredAsMillisPrintAsLocalTimesInTheTableAndBesideTheNumberInJson() throws Exception {
    long dueAt = java.time.Instant.parse("2026-11-23T08:00:00Z").toEpochMilli();
    AuditEvent event = new AuditEvent(1, "f1", 4, java.time.Instant.parse("2026-11-23T07:00:00Z"),
        new DeleteScheduled(dueAt));
    var table = new java.io.ByteArrayOutputStream();
    var json = new java.io.ByteArrayOutputStream();
    java.time.ZoneId berlin = java.time.ZoneId.of("Europe/Berlin");

    new AuditOutput(AuditOutput.Format.table, new java.io.PrintStream(table, true), berlin).event(event, "x");
    new AuditOutput(AuditOutput.Format.json, new java.io.PrintStream(json, true), berlin).event(event, "x");

    assertTrue(table.toString().contains("dueAt=2026-11-23T09:00:00+01:00"), table.toString());
    assertTrue(!table.toString().contains(String.valueOf(dueAt)), table.toString());
    JsonNode line = new ObjectMapper().readTree(json.toString());
    assertEquals(dueAt, line.get("dueAtMillis").asLong());
    assertEquals("2026-11-23T09:00:00+01:00", line.get("dueAt").asText());
  }

  /** RFC 4180 rows: quoted fields may hold commas, quotes and line breaks. */
  private static List<List<String>> parseCsv(String text) {
    List<List<String>> rows = new ArrayList<>();
    List<String> row = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
          field.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          field.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        row.add(field.toString());
        field.setLength(0);
      } else if (c == '\n') {
        row.add(field.toString());
        field.setLength(0);
        rows.add(row);
        row = new ArrayList<>();
      } else {
        field.append(c);
      }
    }
    return rows;
  }

  // --- tampered journals: each breaks one invariant ---

  private List<InvariantChecker.Violation> verify(Settings settings) throws Exception {
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "audit-test", Daemon.pekkoConfig(settings));
    try {
      InvariantChecker checker = new InvariantChecker(settings.delete().delay());
      JournalEvents.forEach(system, checker::accept).toCompletableFuture().get(30, TimeUnit.SECONDS);
      return checker.violations();
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  private Settings journal(String name, String delay) {
    return TestSettings.under(root.resolve(name), Map.of("mediaferry.delete.delay", delay));
  }

  private static Discovered discovered(String path) {
    return new Discovered(path, 10, 1, "/src");
  }

  private static TransferStarted started() {
    return new TransferStarted(1, "file:/nas", "d/x", "d/.x.mftmp-1");
  }

  private static void assertOnly(List<InvariantChecker.Violation> violations, String invariant) {
    assertTrue(!violations.isEmpty(), "a violation of " + invariant + " is caught");
    assertTrue(violations.stream().anyMatch(v -> v.invariant().equals(invariant)), violations.toString());
    assertTrue(violations.stream().allMatch(v -> v.invariant().startsWith(invariant.substring(0, 1))
        || v.invariant().startsWith("5: illegal")), violations.toString());
  }

  @Test
  void deleteWithoutVerifyIsCaught() throws Exception {
    Settings settings = journal("no-verify", "0s");
    try (JournalWriter writer = new JournalWriter(settings)) {
      writer.append("f1", discovered("x"), started(), new SourceDeleted("trash", "/trash/x"));
    }
    assertOnly(verify(settings), "1: delete without verify");
  }

  @Test
  void recheckFindingAnotherHashIsCaught() throws Exception {
    Settings settings = journal("mismatch", "0s");
    try (JournalWriter writer = new JournalWriter(settings)) {
      writer.append("f1", discovered("x"), started(), new Verified("d/x", A, 10, 10, 1), new DeleteScheduled(0),
          new DeleteRechecked(true, RecheckOutcome.OK, B, "ok"), new SourceDeleted("trash", "/trash/x"));
    }
    List<InvariantChecker.Violation> violations = verify(settings);
    assertOnly(violations, "1: hash mismatch");
    assertTrue(violations.get(0).describe().contains("Verified") && violations.get(0).describe().contains("f1"));
  }

  @Test
  void deleteBeforeTheDelayIsCaught() throws Exception {
    Settings settings = journal("early", "60m");
    try (JournalWriter writer = new JournalWriter(settings)) {
      writer.append("f1", discovered("x"), started(), new Verified("d/x", A, 10, 10, 1), new DeleteScheduled(0),
          new DeleteRechecked(true, RecheckOutcome.OK, A, "ok"), new SourceDeleted("trash", "/trash/x"));
    }
    List<InvariantChecker.Violation> violations = verify(settings);
    assertOnly(violations, "2: delete before delay");
    assertTrue(violations.get(0).message().contains("mediaferry.delete.delay is 3600 s"), violations.toString());
  }

  @Test
  void deleteWithoutSuccessfulRecheckIsCaught() throws Exception {
    Settings settings = journal("no-recheck", "0s");
    try (JournalWriter writer = new JournalWriter(settings)) {
      writer.append("f1", discovered("x"), started(), new Verified("d/x", A, 10, 10, 1), new DeleteScheduled(0),
          new SourceDeleted("trash", "/trash/x"));
    }
    assertOnly(verify(settings), "3: delete without recheck");
  }

  @Test
  void overwriteOfDifferentContentIsCaught() throws Exception {
    Settings settings = journal("overwrite", "0s");
    try (JournalWriter writer = new JournalWriter(settings)) {
      writer.append("f1", discovered("a/x"), started(), new Verified("d/x", A, 10, 10, 1));
      writer.append("f2", discovered("b/x"), started(), new Verified("d/x", B, 10, 10, 1));
    }
    List<InvariantChecker.Violation> violations = verify(settings);
    assertOnly(violations, "4: overwrite");
    assertEquals("f2", violations.get(0).fileId());
  }

  @Test
  void missingEventIsCaughtAsASequenceGapAndTheCliExitsOne() throws Exception {
    Settings settings = journal("gap", "0s");
    try (JournalWriter writer = new JournalWriter(settings)) {
      writer.append("f1", discovered("x"), started(), new Verified("d/x", A, 10, 10, 1), new DeleteScheduled(0));
    }
    try (Connection c = DriverManager.getConnection(JournalDatabase.url(settings.journalFile()));
         Statement s = c.createStatement()) {
      s.execute("PRAGMA foreign_keys=ON");
      s.executeUpdate("DELETE FROM event_journal WHERE sequence_number = 2"); // its tag row goes by cascade
      try (var left = s.executeQuery("SELECT count(*) FROM event_journal")) {
        assertEquals(3, left.getLong(1));
      }
    }

    assertTrue(verify(settings).stream().anyMatch(v -> v.invariant().equals("5: sequence gap")));
    Cli.Result cli = Cli.run(root, "audit", "--config", config(root.resolve("gap"), "0s"), "--verify");
    assertEquals(1, cli.exitCode(), cli.stdout());
    assertTrue(cli.stdout().contains("VIOLATION [5: sequence gap] file f1 (x)"), cli.stdout());
    assertTrue(cli.stdout().contains("expected sequence number 2, found 3"), cli.stdout());
  }
}
