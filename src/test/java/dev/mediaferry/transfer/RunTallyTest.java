package dev.mediaferry.transfer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mediaferry.file.FileState.Status;
import org.junit.jupiter.api.Test;

/** The `run --once` summary counts files, not reports. */
class RunTallyTest {
  /**
   * Seen as a flaky DaemonEndToEndTest (8 verified of 6 files): an attempt taken up at start
   * and the scan's listing of the same file both end as transfers of this run, the second one
   * finding the file already verified.
   */
  @Test
  void aFileThatComesToRestVerifiedTwiceInARunCountsOnce() {
    RunTally tally = new RunTally(true);

    tally.rested("clip-1", Status.VERIFIED, 2 << 20, true);
    tally.rested("clip-1", Status.VERIFIED, 0, true);
    tally.rested("clip-2", Status.VERIFIED, 2 << 20, true);

    assertEquals(2, tally.summary(0).verified());
  }
}
