package dev.mediaferry.transfer;

import dev.mediaferry.config.Settings;
import dev.mediaferry.file.FileInfo;
import dev.mediaferry.observe.Alert;
import dev.mediaferry.observe.AlertManager;
import dev.mediaferry.targets.Space;
import java.util.Optional;
import org.slf4j.Logger;

/**
 * Whether the target may take work now: its space (the budget holds transfers back at the
 * reserve) and its identity (a wrong target pauses transfers and deletes). Each pause and
 * resume is logged once and raises or clears one alert, which the caller sends.
 */
final class TargetGate {
  private final SpaceBudget budget;
  private final Logger log;
  private boolean waitingForSpace;
  /** Why the target is not the recorded one (marker missing); null when it is. */
  private String identityProblem;
  /** No transfer starts before the first measurement (or a failed attempt at one) has come in. */
  private boolean spaceChecked;

  TargetGate(Settings.Storage settings, Logger log) {
    this.budget = new SpaceBudget(settings);
    this.log = log;
  }

  boolean transfersMayStart() {
    return spaceChecked && identityProblem == null;
  }

  boolean deletesMayStart() {
    return identityProblem == null;
  }

  /** The reason files are held back, for the --once summary; null when nothing holds them. */
  String holdingBack() {
    return identityProblem != null ? identityProblem
        : waitingForSpace ? "the target has no room above its reserve" : null;
  }

  /** A measurement (null: could not be measured); a measured space also says the identity marker was found. */
  Optional<AlertManager.Command> measured(Space space) {
    spaceChecked = true;
    if (space == null) {
      return Optional.empty();
    }
    budget.measured(space);
    return identity(null);
  }

  /** problem: why the target is not the recorded one, or null when it is again. */
  Optional<AlertManager.Command> identity(String problem) {
    Optional<AlertManager.Command> change = Optional.empty();
    if (problem != null && identityProblem == null) {
      log.error("transfers and deletes paused: {}", problem);
      change = Optional.of(new AlertManager.Raise("target-identity", Alert.Severity.CRITICAL, problem));
    } else if (problem == null && identityProblem != null) {
      log.info("the target's identity marker is back: transfers and deletes resume");
      change = Optional.of(new AlertManager.Clear("target-identity", "the target's identity marker is back"));
    }
    identityProblem = problem;
    return change;
  }

  /** Reserves the file's size on the target, or pauses (one alert) until a measurement finds room. */
  Admission admit(FileInfo file) {
    if (budget.admit(file.size())) {
      if (!waitingForSpace) {
        return new Admission(true, Optional.empty());
      }
      waitingForSpace = false;
      log.info("target has room again: transfers resume");
      return new Admission(true,
          Optional.of(new AlertManager.Clear("target-space", "target has room again; transfers resumed")));
    }
    if (waitingForSpace) {
      return new Admission(false, Optional.empty());
    }
    waitingForSpace = true;
    String message = budget.describe(file.size());
    log.warn("{}", message);
    return new Admission(false, Optional.of(new AlertManager.Raise("target-space", Alert.Severity.CRITICAL, message)));
  }

  record Admission(boolean admitted, Optional<AlertManager.Command> alert) {}

  /** A transfer ended: its reservation goes, what it wrote stays on the target. */
  void finished(FileInfo file, long bytesWritten) {
    budget.finished(file.size(), bytesWritten);
  }
}
