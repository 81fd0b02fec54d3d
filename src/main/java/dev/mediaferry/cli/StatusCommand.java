package dev.mediaferry.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.mediaferry.config.Settings;
import dev.mediaferry.file.FileState.Status;
import dev.mediaferry.journal.FileIndex;
import java.io.PrintStream;
import java.nio.file.Files;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "status", mixinStandardHelpOptions = true,
    description = {"Shows what the running daemon does now: its health, the queue, every file in flight with a "
        + "progress bar, rate and ETA, pending deletes and the last failures (from its /status endpoint).",
        "When no daemon answers, says so and shows the journal's files per state; exit 1."})
final class StatusCommand implements Callable<Integer> {
  private static final String CLEAR_SCREEN = "\033[H\033[2J";

  @Mixin
  ConfigOption config;

  @Option(names = "--json", description = "Print the daemon's /status document as it is (for scripts).")
  boolean json;

  @Option(names = "--watch", description = "Redraw every second until Ctrl-C.")
  boolean watch;

  @Override
  public Integer call() throws Exception {
    Settings settings = config.load();
    DaemonClient daemon = new DaemonClient(settings);
    if (!watch) {
      return once(settings, daemon, System.out);
    }
    while (!Thread.currentThread().isInterrupted()) {
      java.io.ByteArrayOutputStream frame = new java.io.ByteArrayOutputStream();
      once(settings, daemon, new PrintStream(frame, true, java.nio.charset.StandardCharsets.UTF_8));
      System.out.print(CLEAR_SCREEN + frame.toString(java.nio.charset.StandardCharsets.UTF_8));
      System.out.flush();
      Thread.sleep(1000);
    }
    return ExitCode.OK;
  }

  private int once(Settings settings, DaemonClient daemon, PrintStream out) throws Exception {
    JsonNode status;
    try {
      status = daemon.get("/status");
    } catch (DaemonClient.NoAnswer e) {
      out.println("mediaferry: " + e.getMessage() + ". Is it running? `systemctl status mediaferry` or "
          + "`scripts/mediaferry run`.");
      journalCounts(settings, out);
      return ExitCode.FILES_FAILED;
    }
    if (json) {
      out.println(DaemonClient.JSON.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(status));
    } else {
      StatusView.print(status, out);
    }
    return ExitCode.OK;
  }

  /** The file index as it stands: what the journal says of every file, without a daemon. */
  private static void journalCounts(Settings settings, PrintStream out) {
    if (!Files.isRegularFile(settings.journalFile())) {
      out.println("no journal at " + settings.journalFile() + " (mediaferry.state-dir): nothing was offloaded here");
      return;
    }
    try (FileIndex index = FileIndex.open(settings.journalFile())) {
      Map<Status, Long> counts = index.counts();
      out.println("journal " + settings.journalFile() + ", files per state (as of the file index):");
      counts.forEach((state, n) -> out.printf("  %-15s %,d%n", state, n));
      if (counts.isEmpty()) {
        out.println("  (no files)");
      }
    } catch (Exception e) {
      out.println("cannot read the file index of " + settings.journalFile() + ": " + e.getMessage()
          + " (`mediaferry db check`)");
    }
  }
}
