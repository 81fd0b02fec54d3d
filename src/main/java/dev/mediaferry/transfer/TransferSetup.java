package dev.mediaferry.transfer;

import dev.mediaferry.config.Settings;
import dev.mediaferry.deletion.Trash;
import dev.mediaferry.file.FileInfo;
import dev.mediaferry.observe.Telemetry;
import dev.mediaferry.targets.RemoteLayout;
import dev.mediaferry.targets.Target;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.concurrent.Executor;

/**
 * Everything a {@link FileTransfer} needs besides its journal: where files come from and
 * go, the retry and delete policies, the trash, the executor for blocking I/O, the shutdown signal and the
 * metrics and live status it reports to.
 */
public record TransferSetup(
    Path sourceDir,
    Target target,
    RemoteLayout layout,
    RetryPolicy retry,
    boolean deleteAfterSync,
    Duration deleteDelay,
    Trash trash,
    Executor blocking,
    ShutdownSignal shutdown,
    Clock clock,
    Telemetry telemetry,
    long resumeMinSize) {

  /** A setup whose metrics and live status nobody reads (unit tests). */
  public TransferSetup(Path sourceDir, Target target, RemoteLayout layout, RetryPolicy retry, boolean deleteAfterSync,
      Duration deleteDelay, Trash trash, Executor blocking, ShutdownSignal shutdown, Clock clock) {
    this(sourceDir, target, layout, retry, deleteAfterSync, deleteDelay, trash, blocking, shutdown, clock,
        Telemetry.create(), 64L << 20);
  }

  public static TransferSetup from(Settings settings, Target target, Executor blocking, ShutdownSignal shutdown) {
    return from(settings, target, blocking, shutdown, Telemetry.create());
  }

  /** The daemon's setup: the system's time zone (day folders, trash days) and clock, set here once. */
  public static TransferSetup from(Settings settings, Target target, Executor blocking, ShutdownSignal shutdown,
      Telemetry telemetry) {
    ZoneId zone = ZoneId.systemDefault();
    return new TransferSetup(
        settings.source().dir(),
        target,
        new RemoteLayout(settings.target().layout(), zone),
        new RetryPolicy(settings.transfer().retryInitial(), settings.transfer().retryMax(),
            settings.transfer().maxAttempts()),
        settings.delete().afterSync(),
        settings.delete().delay(),
        new Trash(settings.delete().trashDir(), zone),
        blocking,
        shutdown,
        Clock.systemUTC(),
        telemetry,
        settings.transfer().resumeMinSize());
  }

  public Path sourceOf(FileInfo file) {
    return sourceDir.resolve(file.relativePath());
  }

  public long now() {
    return clock.millis();
  }
}
