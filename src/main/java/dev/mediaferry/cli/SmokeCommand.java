package dev.mediaferry.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mediaferry.audit.FileFollower;
import dev.mediaferry.audit.FileFollower.Step;
import dev.mediaferry.config.Settings;
import dev.mediaferry.daemon.InstanceLock;
import dev.mediaferry.dock.DockTable;
import dev.mediaferry.file.FileInfo;
import dev.mediaferry.file.LocalIdentity;
import dev.mediaferry.journal.FileIndex;
import dev.mediaferry.targets.Target;
import dev.mediaferry.targets.all.Targets;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "smoke", mixinStandardHelpOptions = true,
    description = {"Proves a live install end to end: checks that the daemon runs, writes a uniquely named test "
        + "file into the media folder (and, with --via legacy-db, its row in the dock's table), follows it through "
        + "the journal (discovered, transferring, verified, delete scheduled, deleted) printing each step with its "
        + "time and duration, then removes the test copy from the NAS unless --keep.",
        "Exit 0: completed; 1: the daemon is not running (without --force) or the file failed; 2: timed out (the "
            + "step it stuck at is named)."})
final class SmokeCommand implements Callable<Integer> {
  @Mixin
  ConfigOption config;

  @Option(names = "--size", defaultValue = "1048576", paramLabel = "BYTES",
      description = "Size of the test file (default: ${DEFAULT-VALUE}).")
  long size;

  @Option(names = "--via", paramLabel = "scan|legacy-db",
      description = "How the daemon learns of the file: the folder scan, or a row in the dock's table "
          + "(default: legacy-db when mediaferry.source.scan is false, else scan).")
  String via;

  @Option(names = "--timeout", defaultValue = "15m", converter = SmokeCommand.HoconDuration.class,
      description = "Give up after this long (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  @Option(names = "--keep", description = "Leave the test copy on the NAS.")
  boolean keep;

  @Option(names = "--force", description = "Run even when no daemon seems to be running.")
  boolean force;

  private Instant previous;

  /** Durations as in the config file: 90s, 15m, 1h. */
  static final class HoconDuration implements picocli.CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String text) {
      try {
        return com.typesafe.config.ConfigFactory.parseMap(java.util.Map.of("d", text)).getDuration("d");
      } catch (com.typesafe.config.ConfigException e) {
        throw new picocli.CommandLine.TypeConversionException("'" + text + "' is not a duration: use 90s, 15m or 1h");
      }
    }
  }

  @Override
  public Integer call() throws Exception {
    Settings settings = config.load();
    boolean viaDock = via == null ? !settings.source().scan() : via.equals("legacy-db");
    if (via != null && !via.equals("scan") && !via.equals("legacy-db")) {
      throw new Settings.Invalid("--via " + via + ": use scan or legacy-db");
    }
    if (viaDock && !settings.legacyDb().enabled()) {
      throw new Settings.Invalid("--via legacy-db needs mediaferry.legacy-db.path (the dock's database)");
    }
    if (!viaDock && !settings.source().scan()) {
      throw new Settings.Invalid("--via scan, but mediaferry.source.scan = false: the daemon would never see it");
    }
    if (!daemonRuns(settings) && !force) {
      return ExitCode.FILES_FAILED;
    }
    Path file = writeTestFile(settings);
    LocalIdentity identity = LocalIdentity.of(file);
    if (viaDock) {
      try (DockTable dock = DockTable.open(settings.legacyDb().path(), settings.legacyDb().busyTimeout(), 1)) {
        dock.registerDownloaded(file, identity.size());
      }
      System.out.println("registered in " + settings.legacyDb().path() + " as the dock does");
    }
    String relative = settings.source().dir().relativize(file).toString().replace('\\', '/');
    FileInfo info = FileInfo.of(relative, identity.size(), identity.mtimeMillis());
    Step goal = settings.delete().afterSync() && settings.delete().delay().compareTo(timeout) < 0
        ? Step.DELETED : settings.delete().afterSync() ? Step.DELETE_SCHEDULED : Step.VERIFIED;
    previous = Instant.now();
    FileFollower.Outcome outcome;
    try (FileIndex index = FileIndex.open(settings.journalFile())) {
      outcome = FileFollower.follow(index, info.fileId(), goal, timeout, this::print);
    }
    return finish(settings, file, outcome, goal);
  }

  private static boolean daemonRuns(Settings settings) throws Exception {
    try (InstanceLock free = InstanceLock.acquire(settings.lockFile())) {
      System.err.println("mediaferry smoke: no daemon holds " + settings.lockFile() + ": mediaferry is not running "
          + "on this state folder. Check `systemctl status mediaferry` and `journalctl -u mediaferry -n 100` (or the "
          + "log, var/log/mediaferry.log), start it, and run smoke again; --force runs anyway.");
      return false;
    } catch (InstanceLock.HeldElsewhere running) {
      System.out.println("daemon: running (" + settings.lockFile() + " is held)");
      printHealth(settings);
      return true;
    }
  }

  /** What the daemon's /health says, when its endpoints answer: a critical reason is often why smoke fails. */
  private static void printHealth(Settings settings) {
    try {
      JsonNode health = new DaemonClient(settings).get("/health");
      System.out.println("health: " + health.path("status").asText());
      health.path("reasons").forEach(r -> System.out.println("  " + r.path("level").asText() + ": "
          + r.path("message").asText()));
    } catch (DaemonClient.NoAnswer e) {
      System.out.println("health: unknown (" + e.getMessage() + ")");
    }
  }

  private Path writeTestFile(Settings settings) throws Exception {
    String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    byte[] random = new byte[4];
    SecureRandom rng = new SecureRandom();
    rng.nextBytes(random);
    Path file = settings.source().dir().resolve("mediaferry-smoke-" + stamp + "-" + HexFormat.of().formatHex(random)
        + ".bin");
    byte[] chunk = new byte[64 * 1024];
    try (OutputStream out = Files.newOutputStream(file)) {
      for (long left = size; left > 0; left -= chunk.length) {
        rng.nextBytes(chunk);
        out.write(chunk, 0, (int) Math.min(chunk.length, left));
      }
    }
    System.out.printf("test file: %s (%,d bytes)%n", file, size);
    return file;
  }

  private void print(FileFollower.Reached reached) {
    String at = reached.at().atZone(ZoneId.systemDefault()).toLocalTime().withNano(0).toString();
    long ms = Math.max(0, Duration.between(previous, reached.at()).toMillis());
    System.out.printf("  %-17s %s  +%.1fs%s%n", reached.step().name().toLowerCase().replace('_', ' '), at,
        ms / 1000.0, reached.exact() ? "" : " (passed on the way)");
    if (reached.step() == Step.VERIFIED && reached.state().remotePath() != null) {
      System.out.println("                    on the NAS as " + reached.state().remotePath());
    }
    previous = reached.at().isAfter(previous) ? reached.at() : previous;
  }

  private int finish(Settings settings, Path file, FileFollower.Outcome outcome, Step goal) throws Exception {
    if (outcome.timedOut()) {
      Step next = outcome.last() == null ? Step.DISCOVERED : Step.values()[outcome.last().ordinal() + 1];
      System.out.println("smoke: TIMED OUT after " + timeout + ": stuck before '"
          + next.name().toLowerCase().replace('_', ' ') + "'"
          + (outcome.state() != null && outcome.state().lastError() != null
              ? " (last error: " + outcome.state().lastError() + ")" : "")
          + "; see `mediaferry audit --file " + file.getFileName() + "`");
      return ExitCode.BAD_USAGE_OR_CONFIG;
    }
    if (outcome.failed()) {
      System.out.println("smoke: FAILED: the file is " + outcome.state().status() + ": " + outcome.state().lastError());
      return ExitCode.FILES_FAILED;
    }
    String remote = outcome.state().remotePath();
    if (goal == Step.DELETE_SCHEDULED) {
      System.out.println("the local copy's delete is due after mediaferry.delete.delay (" + settings.delete().delay()
          + "), beyond --timeout: the daemon deletes it then, after its recheck; the NAS copy is kept, since that "
          + "recheck needs it");
    } else if (!keep && remote != null) {
      try (Target target = Targets.open(settings.target())) {
        target.delete(remote);
      }
      Files.deleteIfExists(file); // still there when delete-after-sync is off
      System.out.println("removed the test copy " + remote + " from the NAS (--keep leaves it)");
    }
    System.out.println("smoke: OK");
    return ExitCode.OK;
  }
}
