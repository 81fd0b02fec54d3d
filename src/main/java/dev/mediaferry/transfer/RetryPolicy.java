package dev.mediaferry.transfer;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** Exponential backoff with jitter: initial · 2^(attempt-1), capped, then 50–100% of that. */
public record RetryPolicy(Duration initial, Duration max, int maxAttempts) {

  public Duration backoff(int attempt) {
    long capped = Math.min(max.toMillis(), initial.toMillis() << Math.min(attempt - 1, 30));
    long jittered = capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1);
    return Duration.ofMillis(Math.max(1, jittered));
  }

  public boolean exhausted(int attempt) {
    return attempt >= maxAttempts;
  }
}
