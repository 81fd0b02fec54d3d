package dev.mediaferry.transfer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mediaferry.config.Settings;
import dev.mediaferry.targets.Space;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SpaceBudgetTest {
  static final long MB = 1 << 20;

  private static Settings.Storage reserve(long bytes, double percent) {
    return new Settings.Storage(Duration.ofMinutes(1), bytes, percent, 80, 90, false, null);
  }

  @Test
  void admitsExactlyUpToTheReserveCountingTransfersInFlight() {
    SpaceBudget budget = new SpaceBudget(reserve(10 * MB, 0));
    budget.measured(new Space(14 * MB, 100 * MB));

    assertTrue(budget.admit(2 * MB));
    assertTrue(budget.admit(2 * MB)); // leaves exactly the reserve
    assertFalse(budget.admit(1), "one byte more would cross the reserve");
    budget.finished(2 * MB, 2 * MB); // written: still not free
    assertFalse(budget.admit(1));
    budget.finished(2 * MB, 0); // failed: its room comes back
    assertTrue(budget.admit(2 * MB));
    assertEquals(10 * MB, budget.available());
  }

  @Test
  void percentageReserveFollowsTheVolumeSize() {
    SpaceBudget budget = new SpaceBudget(reserve(0, 5));
    budget.measured(new Space(60 * MB, 1000 * MB));
    assertEquals(50 * MB, budget.reserve());
    assertTrue(budget.admit(10 * MB));
    assertFalse(budget.admit(1));
  }

  @Test
  void unknownSpaceDoesNotHoldFilesBack() {
    SpaceBudget budget = new SpaceBudget(reserve(10 * MB, 0));
    assertFalse(budget.known());
    assertTrue(budget.admit(1000 * MB));
  }
}
