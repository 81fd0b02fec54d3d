package dev.mediaferry.deletion;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mediaferry.transfer.FileInfo;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Delete timers on ManualTime: nothing fires early, a reschedule replaces the timer. */
class DeleteSchedulerTest {
  static final ActorTestKit testKit = ActorTestKit.create(ManualTime.config());
  static final ManualTime time = ManualTime.get(testKit.system());
  static final Clock clock = Clock.fixed(Instant.parse("2026-11-23T00:00:00Z"), ZoneOffset.UTC);

  @TempDir Path trash;

  @AfterAll
  static void tearDown() {
    testKit.shutdownTestKit();
  }

  @Test
  void deleteIsDueOnlyAfterItsDelayAndARescheduleReplacesTheTimer() {
    TestProbe<DeleteScheduler.DeleteDue> owner = testKit.createTestProbe();
    var scheduler = testKit.spawn(DeleteScheduler.create(owner.ref(), new Trash(trash, ZoneOffset.UTC),
        Duration.ofDays(7), Duration.ofHours(1), Runnable::run, clock));
    FileInfo a = FileInfo.of("a.mp4", 1, 1);
    FileInfo b = FileInfo.of("b.mp4", 1, 1);
    long now = clock.millis();

    scheduler.tell(new DeleteScheduler.Schedule(a, now + Duration.ofMinutes(60).toMillis()));
    scheduler.tell(new DeleteScheduler.Schedule(b, now + Duration.ofMinutes(10).toMillis()));
    scheduler.tell(new DeleteScheduler.Schedule(b, now + Duration.ofMinutes(90).toMillis()));

    time.expectNoMessageFor(Duration.ofMinutes(59), owner);
    time.timePasses(Duration.ofMinutes(1));
    assertEquals(a, owner.receiveMessage().file());
    time.expectNoMessageFor(Duration.ofMinutes(29), owner);
    time.timePasses(Duration.ofMinutes(1));
    assertEquals(b, owner.receiveMessage().file());
  }

  @Test
  void allDueNowBringsEveryScheduledDeleteForwardWithTheReason() {
    TestProbe<DeleteScheduler.DeleteDue> owner = testKit.createTestProbe();
    var scheduler = testKit.spawn(DeleteScheduler.create(owner.ref(), new Trash(trash, ZoneOffset.UTC),
        Duration.ofDays(7), Duration.ofHours(1), Runnable::run, clock));
    scheduler.tell(new DeleteScheduler.Schedule(FileInfo.of("x.mp4", 1, 1), clock.millis() + 3_600_000));
    scheduler.tell(new DeleteScheduler.Schedule(FileInfo.of("y.mp4", 1, 1), clock.millis() + 7_200_000));

    scheduler.tell(new DeleteScheduler.AllDueNow("dock disk full"));

    DeleteScheduler.DeleteDue first = owner.receiveMessage();
    DeleteScheduler.DeleteDue second = owner.receiveMessage();
    assertEquals("dock disk full", first.earlyReason());
    assertEquals(java.util.Set.of("x.mp4", "y.mp4"),
        java.util.Set.of(first.file().relativePath(), second.file().relativePath()));
    time.expectNoMessageFor(Duration.ofHours(3), owner); // their timers are gone
  }
}
