package dev.mediaferry.file;

/** How a failure is handled: every error is classified once, where it happens. */
public enum ErrorKind {
  /** Network, timeout, interrupted I/O: back off with jitter and retry. */
  TRANSIENT,
  /** The target has no room: wait for space, then retry. */
  TARGET_FULL,
  /** The source file changed while it was being copied: it is taken again as a new file. */
  SOURCE_CHANGED,
  /** The copy on the target does not hash like the source: discard it and retry. */
  CORRUPT,
  /** Auth, permission, missing source: retrying will not help, quarantine and alert. */
  PERMANENT,
  /**
   * The target is not the one recorded (its identity marker is missing: a share not mounted,
   * another server): nothing is written; wait and retry, never counted against the retry limit.
   */
  WRONG_TARGET;

  public boolean retryable() {
    return this != PERMANENT && this != SOURCE_CHANGED;
  }

  /** Whether an attempt that ended so uses up one of retry.max-attempts: not when the file was never at fault. */
  public boolean countsAsFailure() {
    return this != WRONG_TARGET;
  }
}
