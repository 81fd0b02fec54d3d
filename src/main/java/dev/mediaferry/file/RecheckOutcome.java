package dev.mediaferry.file;

/** What the recheck right before a delete found. Only {@link #OK} allows the delete. */
public enum RecheckOutcome {
  OK,
  /** The target copy is missing or differs: the file must be transferred again. */
  TARGET_COPY_BAD,
  /** The local file is no longer what was verified: it is a new file, not ours to delete. */
  SOURCE_CHANGED,
  /** The local file is already gone: nothing to delete. */
  SOURCE_MISSING
}
