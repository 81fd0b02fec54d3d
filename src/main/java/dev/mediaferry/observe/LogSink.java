package dev.mediaferry.observe;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Every alert goes to the log, whatever else is configured. */
public final class LogSink implements AlertSink {
  private static final Logger LOG = LoggerFactory.getLogger("mediaferry.alerts");

  @Override
  public void send(Alert alert) {
    if (alert.status() == Alert.Status.RESOLVED) {
      LOG.info("RESOLVED [{}] {}", alert.key(), alert.message());
    } else if (alert.severity() == Alert.Severity.CRITICAL) {
      LOG.error("ALERT [{}] {}", alert.key(), alert.message());
    } else {
      LOG.warn("ALERT [{}] {}", alert.key(), alert.message());
    }
  }
}
