package dev.mediaferry.transfer;

import dev.mediaferry.config.Settings;
import dev.mediaferry.deletion.Trash;
import dev.mediaferry.file.FileInfo;
import dev.mediaferry.targets.RemoteLayout;
import dev.mediaferry.targets.Target;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.concurrent.Executor;

/**
 * Everything a {@link FileTransfer} needs besides its journal: where files come from and
 * go, the retry and delete policies, the trash, the executor for blocking I/O and the shutdown signal.
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
    Clock clock) {

  /** The daemon's setup: the system's time zone (day folders, trash days) and clock, set here once. */
  public static TransferSetup from(Settings settings, Target target, Executor blocking, ShutdownSignal shutdown) {
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
        Clock.systemUTC());
  }

  public Path sourceOf(FileInfo file) {
    return sourceDir.resolve(file.relativePath());
  }

  public long now() {
    return clock.millis();
  }
}
