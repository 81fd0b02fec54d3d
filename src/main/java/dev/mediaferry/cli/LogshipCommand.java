package dev.mediaferry.cli;

import dev.mediaferry.config.Settings;
import dev.mediaferry.daemon.InstanceLock;
import dev.mediaferry.logship.BatchSender;
import dev.mediaferry.logship.LogShipper;
import dev.mediaferry.logship.Shipper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "logship", mixinStandardHelpOptions = true,
    subcommands = {LogshipCommand.Check.class, LogshipCommand.Status.class},
    description = {"The log shipper (mediaferry.logship, docs/logship.md): follows log files, extracts IPv4 "
        + "addresses, drops the ones already sent, and uploads them in batches to an HTTP API, at least once.",
        "Inside the daemon it runs when mediaferry.logship.enabled = true. Here:",
        "  logship --once    process what is there now and exit 0 once every complete line is acknowledged",
        "  logship check     reach the endpoint with the key (exit 1 on failure)",
        "  logship status    lines read, duplicates, unique items, queue, uploads"})
final class LogshipCommand implements Callable<Integer> {
  @Mixin
  ConfigOption config;

  @Option(names = "--once", description = "Read every complete line there is now, upload it, and exit: 0 when all "
      + "is acknowledged, 1 when the endpoint refused or did not answer within --timeout (nothing is lost: the "
      + "batches wait in the journal for the next run). A trailing line without its newline is left for later.")
  boolean once;

  @Option(names = "--timeout", defaultValue = "10m", description = "With --once: how long failed uploads are "
      + "retried before giving up (default ${DEFAULT-VALUE}; e.g. 30s, 5m).")
  String timeout;

  @Override
  public Integer call() throws Exception {
    if (!once) {
      System.err.println("mediaferry logship: give --once, or one of check, status (see --help)");
      return ExitCode.BAD_USAGE_OR_CONFIG;
    }
    Settings settings = config.load();
    Duration limit = TimeOption.duration(timeout, "--timeout");
    if (settings.logship().endpoint().isBlank()) {
      System.err.println("mediaferry logship: mediaferry.logship.endpoint is not set: give the API's URL");
      return ExitCode.BAD_USAGE_OR_CONFIG;
    }
    try (InstanceLock lock = InstanceLock.acquire(settings.logshipLockFile());
         Shipper shipper = Shipper.open(settings.logship(), settings.stateDir(), Clock.systemDefaultZone())) {
      return runOnce(shipper, settings.logship(), Instant.now().plus(limit));
    } catch (InstanceLock.HeldElsewhere held) {
      System.err.println("mediaferry: the log shipper runs elsewhere: " + held.getMessage());
      return ExitCode.LOCKED;
    }
  }

  private static int runOnce(Shipper shipper, Settings.Logship settings, Instant giveUpAt) throws Exception {
    int failures = 0;
    while (true) {
      Shipper.Cycle cycle = shipper.cycle(true, true);
      if (cycle.failure() == null) {
        failures = 0;
        if (cycle.readAll() && shipper.idle()) {
          print(cycle.figures(), shipper);
          return ExitCode.OK;
        }
        continue;
      }
      failures++;
      if (cycle.failure() instanceof BatchSender.Refused refused) {
        System.err.println("mediaferry logship: " + refused.why());
        print(cycle.figures(), shipper);
        return ExitCode.FILES_FAILED;
      }
      BatchSender.RetryLater retry = (BatchSender.RetryLater) cycle.failure();
      Duration wait = retry.retryAfter() != null ? retry.retryAfter()
          : LogShipper.backoff(settings.retryInitial(), settings.retryMax(), failures);
      if (Instant.now().plus(wait).isAfter(giveUpAt)) {
        System.err.println("mediaferry logship: " + retry.why() + "; gave up after --timeout with "
            + cycle.figures().queuedBatches() + " batches waiting in " + shipper.journalFile()
            + " (they are sent by the next run)");
        print(cycle.figures(), shipper);
        return ExitCode.FILES_FAILED;
      }
      System.err.printf("mediaferry logship: %s; retried in %d s%n", retry.why(), wait.toSeconds());
      Thread.sleep(wait.toMillis());
    }
  }

  private static void print(Shipper.Figures figures, Shipper shipper) throws Exception {
    System.out.println(statusLines(figures, shipper.distinctItems()));
  }

  @Command(name = "check", mixinStandardHelpOptions = true,
      description = "Sends an empty batch (batch_id mediaferry-check) to mediaferry.logship.endpoint with the API "
          + "key and reports the answer: exit 0 when it is taken (2xx), 1 otherwise.")
  static final class Check implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @Override
    public Integer call() throws Exception {
      Settings.Logship settings = config.load().logship();
      if (settings.endpoint().isBlank()) {
        System.err.println("mediaferry logship check: mediaferry.logship.endpoint is not set");
        return ExitCode.BAD_USAGE_OR_CONFIG;
      }
      settings.apiKey(); // a missing key is a configuration error (exit 2) that names where it goes
      BatchSender.Answer answer = Shipper.probe(settings);
      String where = Settings.redactUrl(settings.endpoint());
      if (answer instanceof BatchSender.Accepted accepted) {
        System.out.println("logship check: " + where + " answered " + accepted.status() + " with the key: OK");
        return ExitCode.OK;
      }
      System.out.println("logship check: FAILED: " + (answer instanceof BatchSender.Refused r ? r.why()
          : ((BatchSender.RetryLater) answer).why()));
      return ExitCode.FILES_FAILED;
    }
  }

  @Command(name = "status", mixinStandardHelpOptions = true,
      description = "The log shipper's figures from its journal (works with or without the daemon).")
  static final class Status implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @Override
    public Integer call() throws Exception {
      Settings settings = config.load();
      try (Shipper.Reader reader = Shipper.reader(settings.stateDir())) {
        if (reader == null) {
          System.out.println("logship: no journal yet in " + settings.stateDir() + " (the shipper has not run)");
          return ExitCode.OK;
        }
        Shipper.Figures figures = reader.figures();
        System.out.println(statusLines(figures, reader.distinctItems()));
        System.out.println("queue health: " + (figures.queuedItems() >= settings.logship().queueMaxItems()
            ? "FULL (reading paused until batches are acknowledged)" : "ok (" + figures.queuedItems()
            + " of " + settings.logship().queueMaxItems() + " items)"));
      }
      return ExitCode.OK;
    }
  }

  static String statusLines(Shipper.Figures f, long distinctItems) {
    var t = f.totals();
    long found = t.get(Shipper.Total.ITEMS_FOUND);
    long duplicates = t.get(Shipper.Total.DUPLICATES_DAY) + t.get(Shipper.Total.DUPLICATES_GLOBAL);
    return String.join(System.lineSeparator(),
        "lines read:        " + t.get(Shipper.Total.LINES_READ) + " (in " + f.followedFiles() + " files followed)",
        "items found:       " + found,
        "duplicates:        " + t.get(Shipper.Total.DUPLICATES_DAY) + " within the day, "
            + t.get(Shipper.Total.DUPLICATES_GLOBAL) + " across days (dedup rate "
            + (found == 0 ? "0" : String.format("%.1f", 100.0 * duplicates / found)) + "%)",
        "unique items:      " + distinctItems + " in the dedup store",
        "queued:            " + f.queuedItems() + " items in " + f.queuedBatches() + " batches not yet acknowledged",
        "uploaded:          " + t.get(Shipper.Total.UPLOADED_ITEMS) + " items in "
            + t.get(Shipper.Total.UPLOADED_BATCHES) + " batches",
        "failed attempts:   " + t.get(Shipper.Total.FAILED_ATTEMPTS) + " (each retried; nothing dropped)");
  }
}
