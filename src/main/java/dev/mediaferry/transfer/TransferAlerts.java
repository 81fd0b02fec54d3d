package dev.mediaferry.transfer;

import dev.mediaferry.file.FileInfo;
import dev.mediaferry.file.FileState.Status;
import dev.mediaferry.observe.Alert;
import dev.mediaferry.observe.AlertManager;
import dev.mediaferry.observe.TransferHealth;
import java.time.Duration;
import org.apache.pekko.actor.typed.ActorRef;
import org.slf4j.Logger;

/**
 * What the supervisor tells the operator about files: quarantines, postponed deletes, names
 * it cannot take, stale or failing transfers (health), and journal writes failing in a row.
 */
final class TransferAlerts {
  /** Consecutive children lost to a journal failure before a `journal` alert; any report resets the count. */
  private static final int JOURNAL_ALERT_AFTER = 3;

  private final ActorRef<AlertManager.Command> alerts;
  private final TransferHealth health;
  private final Logger log;
  private int journalFailures;

  TransferAlerts(ActorRef<AlertManager.Command> alerts, TransferHealth health, Logger log) {
    this.alerts = alerts;
    this.health = health;
    this.log = log;
  }

  void tell(AlertManager.Command alert) {
    alerts.tell(alert);
  }

  /** A file came to rest (its report also says the journal works again). */
  void rested(FileTransfer.Report report, boolean wasTransfer) {
    if (journalFailures >= JOURNAL_ALERT_AFTER) {
      alerts.tell(new AlertManager.Clear("journal", "journal writes succeed again"));
    }
    journalFailures = 0;
    if (wasTransfer) {
      health.attempt(report.status() == Status.DISCOVERED || report.status() == Status.QUARANTINED)
          .ifPresent(alerts::tell);
    }
    if (report.status() == Status.QUARANTINED) {
      alerts.tell(new AlertManager.Raise("quarantined", Alert.Severity.CRITICAL, "file " + report.file().relativePath()
          + " quarantined: " + report.message() + " (see `mediaferry audit --state QUARANTINED`; once the cause is "
          + "fixed, `mediaferry retry " + report.file().relativePath() + "`)"));
    }
    if (report.status() == Status.PENDING_DELETE && report.message() != null) {
      alerts.tell(new AlertManager.Raise("delete-postponed", Alert.Severity.WARNING, "delete of "
          + report.file().relativePath() + " postponed: " + report.message()));
    }
  }

  /** A file's entity stopped without a result: its journal write failed. Returns the failures in a row. */
  int journalFailed(FileInfo file, Duration retryIn) {
    journalFailures++;
    log.warn("[{}] stopped without a result (journal write failed; see the error above); trying again in {} ms",
        file.relativePath(), retryIn.toMillis());
    if (journalFailures == JOURNAL_ALERT_AFTER) {
      alerts.tell(new AlertManager.Raise("journal", Alert.Severity.CRITICAL, journalFailures + " journal writes "
          + "in a row failed (journal database locked by another process, disk full or failing?); files are "
          + "retried, nothing is lost; check `mediaferry db check` and the disk holding mediaferry.state-dir"));
    }
    return journalFailures;
  }

  int journalFailuresInARow() {
    return journalFailures;
  }

  /** A source file whose name is not valid UTF-8 (reported once per run by the caller). */
  void nameNotRepresentable(String path) {
    String message = "file " + path.replace('\uFFFD', '?') + " in the source folder is not offloaded: the name "
        + "is not valid UTF-8: rename it (e.g. convmv -f latin1 -t utf8 --notest, or mv in a shell); it is "
        + "taken once renamed";
    log.error("{}", message);
    alerts.tell(new AlertManager.Raise("file-name", Alert.Severity.WARNING, message));
  }

  /** Every minute (or a quarter of stale-after): no success for too long, or too many failures. */
  void healthCheck(int filesWaiting) {
    health.check(filesWaiting).ifPresent(alerts::tell);
  }
}
