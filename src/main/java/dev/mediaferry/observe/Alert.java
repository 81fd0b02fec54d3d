package dev.mediaferry.observe;

import java.time.Instant;

/** One notification: an alert firing (or firing again after its suppression) or resolved. */
public record Alert(String key, Severity severity, Status status, String message, Instant time) {
  public enum Severity { WARNING, CRITICAL }

  public enum Status { FIRING, RESOLVED }
}
