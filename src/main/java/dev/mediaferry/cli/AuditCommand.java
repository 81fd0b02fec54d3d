package dev.mediaferry.cli;

import dev.mediaferry.audit.Archive;
import dev.mediaferry.audit.AuditEvent;
import dev.mediaferry.audit.AuditOutput;
import dev.mediaferry.audit.AuditSummary;
import dev.mediaferry.audit.FileSelector;
import dev.mediaferry.audit.InvariantChecker;
import dev.mediaferry.audit.JournalEvents;
import dev.mediaferry.config.Settings;
import dev.mediaferry.daemon.InstanceLock;
import dev.mediaferry.file.FileEvent;
import dev.mediaferry.file.FileState;
import dev.mediaferry.file.FileState.Status;
import dev.mediaferry.journal.OfflineJournal;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "audit", mixinStandardHelpOptions = true,
    description = {"Reads the journal (without starting the daemon or taking its lock; it works while the daemon "
        + "runs) and tells what happened to the files.",
        "No options: files per state, bytes moved, first and last event time.",
        "Exit codes: 0 ok, 1 --verify found violations, 2 bad usage or config."})
final class AuditCommand implements Callable<Integer> {

  @Mixin
  ConfigOption config;

  @Option(names = "--file", paramLabel = "PATH|NAME|GLOB|ID",
      description = "The whole timeline of a file: its path under the source folder, its bare name (every file of "
          + "that name, each with its path), a glob ('DJI_*.MP4' on the name, 'flight-3/**' on the path; quote it), "
          + "or its file id.")
  String file;

  @Option(names = "--since", paramLabel = "TIME", description = "Only events at or after TIME (2026-11-23, "
      + "2026-11-23T08:00 in local time, or an ISO instant such as 2026-11-23T08:00:00Z).")
  String since;

  @Option(names = "--until", paramLabel = "TIME", description = "Only events before TIME.")
  String until;

  @Option(names = "--state", paramLabel = "STATE",
      description = "The files now in STATE, one per line: ${COMPLETION-CANDIDATES}.")
  Status state;

  @Option(names = "--format", defaultValue = "table",
      description = "table, json (one object per line) or csv. Without --file or --state, json and csv list "
          + "every event. Default: ${DEFAULT-VALUE}.")
  AuditOutput.Format format;

  @Option(names = "--verify", description = "Replay every file and check the invariants: no delete without an "
      + "earlier verified hash that the recheck found again; no delete before verified + delete delay; every "
      + "delete preceded by a successful recheck; no overwrite of different content; no gap in sequence numbers.")
  boolean verify;

  @Option(names = "--archive", paramLabel = "FILE", description = "Also read this archive written by "
      + "`db archive` (repeatable); archived events come before the journal's.")
  List<Path> archives = new ArrayList<>();

  @Option(names = "--rebuild-index", description = "Rebuild the file index (the read model) from the journal.")
  boolean rebuildIndex;

  private Instant from = Instant.MIN;
  private Instant to = Instant.MAX;

  @Override
  public Integer call() throws Exception {
    Settings settings = config.load();
    from = since == null ? Instant.MIN : TimeOption.parse("--since", since);
    to = until == null ? Instant.MAX : TimeOption.parse("--until", until);
    FileSelector selected = file == null ? null : FileSelector.of(file);
    try (OfflineJournal journal = OfflineJournal.open(settings, "audit")) {
      if (rebuildIndex) {
        return rebuild(journal, settings);
      }
      InvariantChecker replay = new InvariantChecker(settings.delete().delay());
      AuditSummary report = file != null || state != null || verify || format == AuditOutput.Format.table
          ? new AuditSummary() : null;
      AuditOutput output = new AuditOutput(format, System.out);
      boolean eventsListed = file == null && state == null && !verify && format != AuditOutput.Format.table;
      if (eventsListed) {
        output.header();
      }
      Map<String, String> paths = new HashMap<>();
      List<AuditEvent> timeline = new ArrayList<>();
      java.util.function.Consumer<AuditEvent> each = e -> {
        replay.accept(e);
        if (e.event() instanceof FileEvent.Discovered d) {
          paths.put(e.fileId(), d.path());
        } else if (e.event() instanceof FileEvent.Rediscovered d) {
          paths.put(e.fileId(), d.path());
        }
        boolean inWindow = !e.time().isBefore(from) && e.time().isBefore(to);
        if (report != null) {
          report.count(e, inWindow);
        }
        if (inWindow && eventsListed) {
          output.event(e, paths.get(e.fileId()));
        }
        if (inWindow && selected != null && selected.matches(e.fileId(), paths.get(e.fileId()))) {
          timeline.add(e);
        }
      };
      for (Path archive : archives) {
        Archive.read(archive, each);
      }
      JournalEvents.forEach(journal.system(), each).toCompletableFuture().join();
      if (verify) {
        return printViolations(replay);
      }
      if (file != null) {
        return printTimeline(output, timeline, paths);
      }
      if (state != null) {
        return printState(replay, report);
      }
      if (!eventsListed) {
        report.print(System.out, settings.journalFile(), replay);
      }
      return ExitCode.OK;
    }
  }

  private Integer printViolations(InvariantChecker replay) {
    replay.violations().forEach(v -> System.out.println(v.describe()));
    if (replay.violations().isEmpty()) {
      System.out.println("verified " + replay.filesChecked() + " files: no violations");
      return ExitCode.OK;
    }
    Set<String> files = new HashSet<>();
    replay.violations().forEach(v -> files.add(v.fileId()));
    System.out.println(replay.violations().size() + " violations in " + files.size() + " of "
        + replay.filesChecked() + " files");
    return ExitCode.FILES_FAILED;
  }

  private Integer printTimeline(AuditOutput output, List<AuditEvent> timeline, Map<String, String> paths) {
    if (timeline.isEmpty()) {
      System.err.println("mediaferry: no events for " + file + " (give its path under the source folder or its "
          + "name, a glob or its file id; see `audit --format csv` for all files)");
      return ExitCode.FILES_FAILED;
    }
    output.header();
    timeline.forEach(e -> output.event(e, paths.get(e.fileId())));
    return ExitCode.OK;
  }

  private Integer printState(InvariantChecker replay, AuditSummary report) {
    var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
    if (format == AuditOutput.Format.csv) {
      System.out.println("file_id,path,state,last_event,remote_path,sha256,last_error");
    }
    for (var entry : replay.states().entrySet()) {
      FileState s = entry.getValue();
      if (s.status() != state) {
        continue;
      }
      String path = s.file() == null ? "" : s.file().relativePath();
      Instant last = report.lastEventOf(entry.getKey());
      switch (format) {
        case table -> System.out.printf("%-32s %-24s %s  %s%n", entry.getKey(), AuditOutput.time(last), path,
            s.lastError() != null ? s.lastError() : s.remotePath() == null ? "" : "-> " + s.remotePath());
        case json -> {
          var line = mapper.createObjectNode().put("file_id", entry.getKey()).put("path", path)
              .put("state", s.status().name()).put("last_event", AuditOutput.time(last))
              .put("remote_path", s.remotePath()).put("sha256", s.sha256()).put("last_error", s.lastError());
          System.out.println(line);
        }
        case csv -> System.out.println(String.join(",", entry.getKey(), AuditOutput.csv(path), s.status().name(),
            AuditOutput.time(last), AuditOutput.csv(s.remotePath()), AuditOutput.csv(s.sha256()), AuditOutput.csv(s.lastError())));
      }
    }
    return ExitCode.OK;
  }

  /** Under the daemon's lock: a rebuild beside a running daemon would leave rows wrong. */
  private Integer rebuild(OfflineJournal journal, Settings settings) throws Exception {
    try (InstanceLock lock = InstanceLock.acquire(settings.lockFile())) {
      long applied = journal.rebuildIndex();
      System.out.println("file index rebuilt from " + applied + " events: " + journal.index().counts());
    } catch (InstanceLock.HeldElsewhere e) {
      System.err.println("mediaferry: the index cannot be rebuilt now: " + e.getMessage());
      return ExitCode.LOCKED;
    }
    return ExitCode.OK;
  }
}
