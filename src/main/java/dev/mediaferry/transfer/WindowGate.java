package dev.mediaferry.transfer;

import dev.mediaferry.config.Bandwidth;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Optional;
import org.slf4j.Logger;

/**
 * Whether mediaferry.transfer.windows pauses transfers now (a window with bandwidth 0): no
 * new file starts then; copies under way finish. Each pause and resume is logged once.
 */
final class WindowGate {
  private final Bandwidth bandwidth;
  private final Clock clock;
  private final ZoneId zone;
  private final Logger log;
  private String pausedBecause;

  WindowGate(Bandwidth bandwidth, Clock clock, ZoneId zone, Logger log) {
    this.bandwidth = bandwidth;
    this.clock = clock;
    this.zone = zone;
    this.log = log;
  }

  /** Why no transfer may start now, or null when they may. */
  String pausedBecause() {
    Bandwidth.Rate rate = bandwidth.at(ZonedDateTime.now(clock.withZone(zone)));
    if (!rate.paused()) {
      if (pausedBecause != null) {
        log.info("the transfer window reopened: transfers resume");
      }
      pausedBecause = null;
    } else if (pausedBecause == null || !pausedBecause.contains(rate.window().text())) {
      pausedBecause = "transfers paused by mediaferry.transfer.windows (" + rate.window().text() + ")" + until();
      log.info("{}", pausedBecause);
    }
    return pausedBecause;
  }

  private String until() {
    return bandwidth.nextChange(ZonedDateTime.now(clock.withZone(zone)))
        .map(t -> " until " + t.toLocalDateTime().toString().replace('T', ' ')).orElse("");
  }

  /** How long until the windows may change what applies (a window starts or ends). */
  Optional<Duration> untilNextChange() {
    ZonedDateTime now = ZonedDateTime.now(clock.withZone(zone));
    return bandwidth.nextChange(now).map(next -> Duration.between(now, next));
  }
}
