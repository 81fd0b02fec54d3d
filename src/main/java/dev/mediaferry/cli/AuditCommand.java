package dev.mediaferry.cli;

import dev.mediaferry.audit.Archive;
import dev.mediaferry.audit.AuditEvent;
import dev.mediaferry.audit.AuditOutput;
import dev.mediaferry.audit.InvariantChecker;
import dev.mediaferry.audit.JournalEvents;
import dev.mediaferry.config.Settings;
import dev.mediaferry.daemon.Daemon;
import dev.mediaferry.daemon.InstanceLock;
import dev.mediaferry.file.FileEvent;
import dev.mediaferry.file.FileState.Status;
import dev.mediaferry.file.FileState;
import dev.mediaferry.journal.FileIndex;
import dev.mediaferry.journal.IndexProjection;
import dev.mediaferry.transfer.FileTransfer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
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

  @Option(names = "--file", paramLabel = "PATH|ID",
      description = "The whole timeline of one file: its path under the source folder, or its file id.")
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
    if (!Files.isRegularFile(settings.journalFile())) {
      throw new Settings.Invalid("no journal at " + settings.journalFile() + " (mediaferry.state-dir); "
          + "give the --config the daemon runs with");
    }
    from = since == null ? Instant.MIN : TimeOption.parse("--since", since);
    to = until == null ? Instant.MAX : TimeOption.parse("--until", until);
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "mediaferry-audit", Daemon.pekkoConfig(settings));
    try {
      if (rebuildIndex) {
        return rebuild(system, settings);
      }
      InvariantChecker replay = new InvariantChecker(settings.delete().delay());
      Report report = file != null || state != null || verify || format == AuditOutput.Format.table
          ? new Report() : null;
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
        if (inWindow && file != null && (e.fileId().equals(file) || file.equals(paths.get(e.fileId())))) {
          timeline.add(e);
        }
      };
      for (Path archive : archives) {
        Archive.read(archive, each);
      }
      JournalEvents.forEach(system, each).toCompletableFuture().join();
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
        report.print(settings, replay);
      }
      return ExitCode.OK;
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().join();
    }
  }

  /** Counts for the summary and the last event time of each file. */
  private static final class Report {
    long events;
    long bytesMoved;
    Instant first;
    Instant last;
    final Map<String, Instant> lastEventOf = new HashMap<>();

    void count(AuditEvent e, boolean inWindow) {
      lastEventOf.put(e.fileId(), e.time());
      if (!inWindow) {
        return;
      }
      events++;
      first = first == null ? e.time() : first;
      last = e.time();
      if (e.event() instanceof FileEvent.Verified v) {
        bytesMoved += v.bytesSent();
      }
    }

    void print(Settings settings, InvariantChecker replay) {
      Map<Status, Integer> perState = new EnumMap<>(Status.class);
      replay.states().values().forEach(s -> perState.merge(s.status(), 1, Integer::sum));
      System.out.println("journal:      " + settings.journalFile());
      System.out.println("files:        " + replay.filesChecked());
      System.out.println("events:       " + events);
      System.out.println("first event:  " + AuditOutput.time(first));
      System.out.println("last event:   " + AuditOutput.time(last));
      System.out.printf("bytes moved:  %,d (%.1f MB)%n", bytesMoved, bytesMoved / 1e6);
      System.out.println("files per state:");
      perState.forEach((status, n) -> System.out.printf("  %-15s %d%n", status, n));
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
          + "file id; see `audit --format csv` for all files)");
      return ExitCode.FILES_FAILED;
    }
    output.header();
    timeline.forEach(e -> output.event(e, paths.get(e.fileId())));
    return ExitCode.OK;
  }

  private Integer printState(InvariantChecker replay, Report report) {
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
      Instant last = report.lastEventOf.get(entry.getKey());
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
  private Integer rebuild(ActorSystem<Void> system, Settings settings) throws Exception {
    try (InstanceLock lock = InstanceLock.acquire(settings.lockFile());
         FileIndex index = FileIndex.open(settings.journalFile())) {
      index.clear();
      var blocking = Executors.newSingleThreadExecutor();
      try {
        long applied = IndexProjection.catchUp(system, index, blocking).toCompletableFuture().join();
        System.out.println("file index rebuilt from " + applied + " events: " + index.counts());
      } finally {
        blocking.shutdown();
      }
    } catch (InstanceLock.HeldElsewhere e) {
      System.err.println("mediaferry: the index cannot be rebuilt now: " + e.getMessage());
      return ExitCode.LOCKED;
    }
    return ExitCode.OK;
  }

}
