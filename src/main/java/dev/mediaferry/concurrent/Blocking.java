package dev.mediaferry.concurrent;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/** Runs blocking work (disk, SSH, SQLite) on the blocking executor, for an actor's pipeToSelf. */
public final class Blocking {

  /** Work that may throw a checked exception. */
  public interface Work<T> {
    T run() throws Exception;
  }

  private Blocking() {}

  public static <T> CompletableFuture<T> supply(Executor executor, Work<T> work) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return work.run();
      } catch (Exception e) {
        throw new CompletionException(e);
      }
    }, executor);
  }

  /** The failure a future completed with, without CompletionException's wrapping. */
  public static Throwable cause(Throwable error) {
    return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
  }
}
