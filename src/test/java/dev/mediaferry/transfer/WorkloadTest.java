package dev.mediaferry.transfer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mediaferry.file.FileInfo;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The supervisor's books without actors: order, slots, forgetting, and when a --once run is done. */
class WorkloadTest {
  final Workload work = new Workload();
  final FileInfo old = FileInfo.of("b/old.mp4", 1, 1_000);
  final FileInfo young = FileInfo.of("a/young.mp4", 1, 2_000);

  @Test
  void filesStartOldestFirstAndOnlyWhileASlotIsFree() {
    work.queue(young);
    work.queue(old);

    assertEquals(old, work.nextTransfer(1));
    work.startTransfer(old);
    assertNull(work.nextTransfer(1), "the one slot is taken");
    assertEquals(young, work.nextTransfer(2));
    assertThrows(IllegalStateException.class, () -> work.startTransfer(old), "only the head of the queue starts");
  }

  @Test
  void aFileListedByTheScanAndTheDockTableIsTakenOnceAndNeitherMakesTheOtherForgetIt() {
    assertEquals(List.of(old), work.listed("legacy-db", List.of(old), Set.of()));
    assertEquals(List.of(young), work.listed(null, List.of(old, young), Set.of()), "old is known: taken once");
    assertEquals("legacy-db", work.sourceOf(old), "recorded as found in the dock's table");
    assertNull(work.sourceOf(young));

    work.listed("legacy-db", List.of(), Set.of()); // the row is no longer ready: the table forgets it
    assertEquals(List.of(), work.listed(null, List.of(old, young), Set.of()), "the scan still knows both");
    work.listed(null, List.of(), Set.of()); // gone from the folder too
    assertEquals(List.of(old), work.listed("legacy-db", List.of(old), Set.of()), "now new to every source");
  }

  @Test
  void aRescanSkipsKnownFilesAndForgetsGoneOnesUnlessBusy() {
    assertEquals(List.of(old, young), work.listed(null, List.of(old, young), Set.of()));
    assertEquals(List.of(), work.listed(null, List.of(old, young), Set.of()), "known: not looked up again");

    work.queue(old);
    work.listed(null, List.of(), Set.of()); // both gone from the source; old is queued, young is not
    assertEquals(List.of(young), work.listed(null, List.of(old, young), Set.of()), "young was forgotten, old kept");

    work.listed(null, List.of(), Set.of(young.fileId())); // young's entity runs: kept
    assertEquals(List.of(), work.listed(null, List.of(young), Set.of()));
  }

  @Test
  void aRetryThatComesDueWhileTheFileTransfersDoesNotQueueItTwice() {
    work.queue(old);
    work.startTransfer(work.nextTransfer(4));
    work.waitForRetry(old);
    work.retryDue(old);
    assertNull(work.nextTransfer(4));
    assertTrue(work.rested(old.fileId()), "it was a transfer");
  }

  @Test
  void allWaitingDeletesComeDueAtOnceWithTheReasonAndRunWithinTheSlots() {
    work.deleteScheduled(old);
    work.deleteScheduled(young);

    assertEquals(Set.of(old, young), Set.copyOf(work.allDeletesDueNow("dock disk full")));
    assertEquals(List.of(), work.allDeletesDueNow("again"), "nothing waits any more");
    Workload.DueDelete first = work.startNextDelete(1);
    assertEquals("dock disk full", first.earlyReason());
    assertNull(work.startNextDelete(1), "one delete slot");
    assertFalse(work.rested(first.file().fileId()), "a delete, not a transfer");
    assertEquals("dock disk full", work.startNextDelete(1).earlyReason());
  }

  @Test
  void aRunIsIdleWhenNothingIsDueNowButNotWhileALookupOrARetryIsPending() {
    work.deleteScheduled(old); // due later: does not hold a --once run
    assertTrue(work.idle());
    work.lookupStarted();
    assertFalse(work.idle());
    work.lookupEnded();
    work.waitForRetry(young);
    assertFalse(work.idle());
    work.retryDue(young);
    assertFalse(work.idle(), "queued");
    assertTrue(work.onlyTheQueueLeft(), "held back only by the queue (space or identity)");
  }
}
