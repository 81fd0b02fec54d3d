package dev.mediaferry.transfer;

import dev.mediaferry.config.Settings;
import dev.mediaferry.targets.Space;

/**
 * Decides whether a file may start without the target crossing its reserve: the last free
 * space seen, minus the full size of every transfer in flight (whatever they have written
 * already is counted twice, which errs on the safe side), must keep the reserve after the
 * file. A finished transfer's bytes come off the estimate until the next check measures.
 */
public final class SpaceBudget {
  private final Settings.Storage settings;
  private Space lastSeen;
  private long inFlightBytes;

  public SpaceBudget(Settings.Storage settings) {
    this.settings = settings;
  }

  /** A fresh measurement of the target volume. */
  public void measured(Space space) {
    lastSeen = space;
  }

  public boolean known() {
    return lastSeen != null;
  }

  /** Reserves room for a file if there is room; unknown space (no check yet or no df) does not hold files back. */
  public boolean admit(long size) {
    if (lastSeen != null && lastSeen.freeBytes() - inFlightBytes - size < reserve()) {
      return false;
    }
    inFlightBytes += size;
    return true;
  }

  /** A transfer ended: its reservation goes; what it wrote stays on the target. */
  public void finished(long size, long bytesWritten) {
    inFlightBytes = Math.max(0, inFlightBytes - size);
    if (lastSeen != null && bytesWritten > 0) {
      lastSeen = new Space(lastSeen.freeBytes() - bytesWritten, lastSeen.totalBytes());
    }
  }

  public long reserve() {
    return lastSeen == null ? settings.minFreeBytes() : settings.reserveOf(lastSeen.totalBytes());
  }

  public long available() {
    return lastSeen == null ? Long.MAX_VALUE : lastSeen.freeBytes() - inFlightBytes;
  }

  public String describe(long nextSize) {
    return String.format("target has %,d bytes free (%,d reserved for transfers in flight); the next file needs "
        + "%,d plus the reserve of %,d (mediaferry.storage.min-free): transfers wait until there is room",
        lastSeen == null ? -1 : lastSeen.freeBytes(), inFlightBytes, nextSize, reserve());
  }
}
