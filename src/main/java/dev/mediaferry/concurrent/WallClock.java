package dev.mediaferry.concurrent;

import java.time.Instant;

/**
 * Which wall-clock readings are believed. A dock without a real-time clock boots in 1970 or
 * 2000 and is corrected by NTP later; times read before the correction would make a delete
 * due at once, or files look decades old. The rule: a reading before {@link #SET_AFTER}
 * (before this software existed) means the clock is not set yet. Deletes, trash purges and
 * retention wait for a set clock; a due time computed from an unset clock is computed again.
 * Within one run, delays are timed on the monotonic clock, so a jump does not shorten them.
 */
public final class WallClock {
  public static final Instant SET_AFTER = Instant.parse("2025-01-01T00:00:00Z");

  private WallClock() {}

  public static boolean isSet(long epochMillis) {
    return epochMillis >= SET_AFTER.toEpochMilli();
  }

  /** For log lines and alerts: what is wrong and what fixes it. */
  public static String notSet(long epochMillis) {
    return "the wall clock reads " + Instant.ofEpochMilli(epochMillis) + ", before " + SET_AFTER
        + ": it is not set yet (no real-time clock?); deletes, trash purges and retention wait until it is "
        + "(check NTP: timedatectl status)";
  }
}
