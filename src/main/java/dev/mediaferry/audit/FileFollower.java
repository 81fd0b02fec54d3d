package dev.mediaferry.audit;

import dev.mediaferry.file.FileState;
import dev.mediaferry.file.FileState.Status;
import dev.mediaferry.journal.FileIndex;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Follows one file through the file index that a running daemon keeps current from the
 * journal: reports each step (discovered → transferring → verified → delete scheduled →
 * deleted) once, with the time of the event that reached it. Steps passed between two looks
 * are reported too, marked as passed by the time of the later one.
 */
public final class FileFollower {
  /** The steps in the order a file passes them. */
  public enum Step { DISCOVERED, TRANSFERRING, VERIFIED, DELETE_SCHEDULED, DELETED }

  /** A step reached; exact: seen with its own event time (not only passed on the way to a later one). */
  public record Reached(Step step, Instant at, boolean exact, FileState state) {}

  /** How following ended: the last step reached (null: none), or the file's failure. */
  public record Outcome(Step last, FileState state, boolean failed, boolean timedOut) {}

  private static final Duration LOOK_EVERY = Duration.ofMillis(200);

  private FileFollower() {}

  public static Outcome follow(FileIndex index, String fileId, Step goal, Duration timeout, Consumer<Reached> onStep)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    Step last = null;
    FileState state = null;
    while (System.nanoTime() < deadline) {
      Optional<FileIndex.Row> row = index.get(fileId);
      if (row.isPresent()) {
        state = row.get().state();
        if (state.status() == Status.QUARANTINED || state.status() == Status.SUPERSEDED) {
          return new Outcome(last, state, true, false);
        }
        Step now = stepOf(state);
        if (now != null && (last == null || now.ordinal() > last.ordinal())) {
          Instant at = Instant.ofEpochMilli(row.get().updatedAt());
          for (Step step : List.of(Step.values())) {
            if ((last == null || step.ordinal() > last.ordinal()) && step.ordinal() <= now.ordinal()) {
              onStep.accept(new Reached(step, at, step == now, state));
            }
          }
          last = now;
        }
        if (last != null && last.ordinal() >= goal.ordinal()) {
          return new Outcome(last, state, false, false);
        }
      }
      Thread.sleep(LOOK_EVERY.toMillis()); // polling another process's writes: there is nothing to wait on
    }
    return new Outcome(last, state, false, true);
  }

  private static Step stepOf(FileState state) {
    return switch (state.status()) {
      case DISCOVERED -> Step.DISCOVERED;
      case TRANSFERRING -> Step.TRANSFERRING;
      case VERIFIED -> Step.VERIFIED;
      case PENDING_DELETE -> Step.DELETE_SCHEDULED;
      case DELETED, PURGED -> Step.DELETED;
      default -> null;
    };
  }
}
