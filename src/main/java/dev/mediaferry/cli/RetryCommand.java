package dev.mediaferry.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mediaferry.config.Settings;
import dev.mediaferry.daemon.InstanceLock;
import dev.mediaferry.journal.OfflineJournal;
import dev.mediaferry.transfer.FileTransfer.ReleaseOutcome;
import dev.mediaferry.transfer.OfflineRelease;
import dev.mediaferry.transfer.Releases;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "retry", mixinStandardHelpOptions = true,
    description = {"Releases quarantined files (or superseded ones whose source is unchanged) so they are "
        + "transferred again, with a fresh retry budget. Each release is journaled with the reason and who "
        + "asked (audit shows it).",
        "While the daemon runs, it is asked through its endpoints and takes the files at once; when it does "
        + "not, the journal is written here and the daemon takes them at its next start.",
        "Fix the cause first (see `mediaferry audit --state QUARANTINED` and docs/operations.md).",
        "Exit: 0 all named files released, 1 any not (each line says why), 2 bad usage, 3 the daemon runs "
        + "but cannot be reached."})
final class RetryCommand implements Callable<Integer> {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  @Mixin
  ConfigOption config;

  @Parameters(paramLabel = "FILE", arity = "0..*",
      description = "Files to release: paths in the source folder, relative to it or absolute.")
  List<String> files = new ArrayList<>();

  @Option(names = "--all-quarantined", description = "Release every quarantined file.")
  boolean allQuarantined;

  @Option(names = "--reason", paramLabel = "TEXT", defaultValue = "operator retry",
      description = "Why (journaled with the release). Default: ${DEFAULT-VALUE}.")
  String reason;

  @Override
  public Integer call() throws Exception {
    if (files.isEmpty() && !allQuarantined) {
      throw new Settings.Invalid("name the files to release (paths in the source folder) or give "
          + "--all-quarantined; `mediaferry audit --state QUARANTINED` lists them");
    }
    Settings settings = config.load();
    String by = System.getProperty("user.name");
    List<ReleaseOutcome> outcomes;
    Files.createDirectories(settings.stateDir());
    try (InstanceLock lock = InstanceLock.acquire(settings.lockFile())) {
      outcomes = offline(settings, by);
    } catch (InstanceLock.HeldElsewhere running) {
      try {
        outcomes = throughDaemon(settings, by);
      } catch (DaemonClient.NoAnswer e) {
        System.err.println("mediaferry: the daemon runs (it holds " + settings.lockFile() + ") but " + e.getMessage()
            + ". Check mediaferry.http.enabled/port, or stop the daemon and run retry again.");
        return ExitCode.LOCKED;
      }
    }
    return report(outcomes);
  }

  private List<ReleaseOutcome> throughDaemon(Settings settings, String by) throws DaemonClient.NoAnswer {
    JsonNode answer = new DaemonClient(settings).post("/retry",
        Map.of("files", files, "allQuarantined", allQuarantined, "reason", reason, "by", by), TIMEOUT);
    List<ReleaseOutcome> outcomes = new ArrayList<>();
    answer.path("outcomes").forEach(o -> outcomes.add(new ReleaseOutcome(o.path("path").asText(),
        o.path("released").asBoolean(), o.path("message").asText())));
    return outcomes;
  }

  /** No daemon: each file's journal gets its release here (we hold the lock, so none starts meanwhile). */
  private List<ReleaseOutcome> offline(Settings settings, String by) throws Exception {
    try (OfflineJournal journal = OfflineJournal.open(settings, "retry")) {
      Releases.Selection selection = Releases.select(journal.indexCaughtUp(), settings.source().dir(), files,
          allQuarantined);
      ActorSystem<Void> system = journal.system();
      List<ReleaseOutcome> outcomes = new ArrayList<>();
      for (var row : selection.rows()) {
        ActorRef<OfflineRelease.Release> file = system.systemActorOf(
            OfflineRelease.create(row.state().file(), settings.source().dir()), "release-" + outcomes.size(),
            org.apache.pekko.actor.typed.Props.empty());
        outcomes.add(AskPattern.<OfflineRelease.Release, ReleaseOutcome>ask(file,
            replyTo -> new OfflineRelease.Release(reason, by, replyTo), TIMEOUT, system.scheduler())
            .toCompletableFuture().join());
      }
      selection.notFound().forEach(name -> outcomes.add(Releases.notFound(name, settings.source().dir())));
      return outcomes;
    }
  }

  private static int report(List<ReleaseOutcome> outcomes) {
    if (outcomes.isEmpty()) {
      System.out.println("no quarantined files: nothing to release");
      return ExitCode.OK;
    }
    int refused = 0;
    for (ReleaseOutcome o : outcomes) {
      System.out.println((o.released() ? "released      " : "NOT released  ") + o.path() + ": " + o.message());
      refused += o.released() ? 0 : 1;
    }
    System.out.println((outcomes.size() - refused) + " released, " + refused + " not");
    return refused == 0 ? ExitCode.OK : ExitCode.FILES_FAILED;
  }
}
