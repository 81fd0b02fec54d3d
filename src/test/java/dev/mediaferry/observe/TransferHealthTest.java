package dev.mediaferry.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mediaferry.config.Settings;
import dev.mediaferry.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TransferHealthTest {
  final ManualClock clock = new ManualClock(Instant.parse("2026-11-23T00:00:00Z"));
  final TransferHealth health = new TransferHealth(
      new Settings.Alerts(Duration.ofHours(1), Duration.ofMinutes(30), 0.5, 4, "", Duration.ofSeconds(1), 0), clock);

  @Test
  void failureRateAlertsWhenMoreThanTheThresholdOfTheWindowFailsAndResolves() {
    assertEquals(Optional.empty(), health.attempt(true));
    assertEquals(Optional.empty(), health.attempt(true));
    assertEquals(Optional.empty(), health.attempt(false));
    AlertManager.Command raised = health.attempt(true).orElseThrow(); // 3 of the last 4
    assertEquals("failure-rate", assertInstanceOf(AlertManager.Raise.class, raised).key());
    assertEquals(Optional.empty(), health.attempt(true), "raised once while it lasts");
    AlertManager.Command cleared = health.attempt(false).orElseThrow(); // 2 of the last 4: not above 0.5
    assertInstanceOf(AlertManager.Clear.class, cleared);
    assertEquals(Optional.empty(), health.attempt(false), "resolved once");
  }

  @Test
  void staleWhenFilesWaitAndNothingSucceededForStaleAfter() {
    assertEquals(Optional.empty(), health.check(3));
    clock.advance(Duration.ofMinutes(59));
    assertEquals(Optional.empty(), health.check(3));
    clock.advance(Duration.ofMinutes(1));
    AlertManager.Raise stale = assertInstanceOf(AlertManager.Raise.class, health.check(3).orElseThrow());
    assertTrue(stale.message().contains("3 files wait"), stale.message());
    health.attempt(false);
    assertInstanceOf(AlertManager.Clear.class, health.check(3).orElseThrow());
  }

  @Test
  void nothingWaitingIsNeverStale() {
    clock.advance(Duration.ofDays(3));
    assertEquals(Optional.empty(), health.check(0));
  }
}
