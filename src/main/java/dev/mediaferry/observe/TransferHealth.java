package dev.mediaferry.observe;

import dev.mediaferry.config.Settings;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Optional;

/**
 * The alert rules about transfers: too many of the recent attempts failed, or files wait
 * and nothing succeeded for stale-after. Each method returns the alert command to send when
 * the condition starts or ends, empty otherwise.
 */
public final class TransferHealth {
  private final Settings.Alerts settings;
  private final Clock clock;
  private final ArrayDeque<Boolean> recentFailures = new ArrayDeque<>();
  private Instant lastSuccess;
  private boolean failureRateHigh;
  private boolean stale;

  public TransferHealth(Settings.Alerts settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
    this.lastSuccess = clock.instant();
  }

  /** One attempt ended; returns a failure-rate alert or its resolution when the rate crosses the threshold. */
  public Optional<AlertManager.Command> attempt(boolean failed) {
    if (!failed) {
      lastSuccess = clock.instant();
    }
    recentFailures.addLast(failed);
    if (recentFailures.size() > settings.failureRateWindow()) {
      recentFailures.removeFirst();
    }
    long failures = recentFailures.stream().filter(f -> f).count();
    double rate = (double) failures / recentFailures.size();
    boolean high = recentFailures.size() == settings.failureRateWindow() && rate > settings.failureRateThreshold();
    if (high == failureRateHigh) {
      return Optional.empty();
    }
    failureRateHigh = high;
    String message = String.format("%d of the last %d transfer attempts failed", failures, recentFailures.size());
    return Optional.of(high
        ? new AlertManager.Raise("failure-rate", Alert.Severity.WARNING, message + "; see the log for the causes")
        : new AlertManager.Clear("failure-rate", message));
  }

  /** Called on a timer: alert when files wait and nothing succeeded for stale-after. */
  public Optional<AlertManager.Command> check(int filesWaiting) {
    if (filesWaiting == 0) {
      lastSuccess = clock.instant(); // nothing to do is not being stuck
    }
    Duration since = Duration.between(lastSuccess, clock.instant());
    boolean nowStale = filesWaiting > 0 && since.compareTo(settings.staleAfter()) >= 0;
    if (nowStale == stale) {
      return Optional.empty();
    }
    stale = nowStale;
    return Optional.of(nowStale
        ? new AlertManager.Raise("stale", Alert.Severity.CRITICAL, filesWaiting + " files wait and no transfer "
            + "succeeded for " + since.toMinutes() + " min (mediaferry.alerts.stale-after)")
        : new AlertManager.Clear("stale", "transfers succeed again"));
  }
}
