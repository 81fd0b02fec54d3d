package dev.mediaferry.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mediaferry.config.Settings;
import dev.mediaferry.observe.Alert;
import dev.mediaferry.observe.AlertManager;
import dev.mediaferry.target.LocalTarget;
import dev.mediaferry.target.Space;
import dev.mediaferry.testing.FaultyTarget;
import dev.mediaferry.transfer.TransferSupervisor;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The guard's checks on ManualTime: each interval the supervisor gets the target's space; the dock raises alerts. */
class StorageGuardTest {
  static final ActorTestKit testKit = ActorTestKit.create(ManualTime.config());
  static final ManualTime time = ManualTime.get(testKit.system());

  @TempDir Path dir;

  @AfterAll
  static void tearDown() {
    testKit.shutdownTestKit();
  }

  @Test
  void everyCheckReportsTheTargetSpaceAndTheDockPressure() {
    FaultyTarget target = new FaultyTarget(new LocalTarget(dir));
    target.fakeSpace = new Space(500, 1000);
    TestProbe<TransferSupervisor.Command> supervisor = testKit.createTestProbe();
    TestProbe<AlertManager.Command> alerts = testKit.createTestProbe();
    // warn at 0 %: any real disk is "full enough" to raise the warning; critical at 100 % never
    Settings.Storage settings = new Settings.Storage(Duration.ofSeconds(60), 0, 0, 0, 100, false,
        new Settings.Retention(false, java.util.List.of("**"), 30, "journal"));

    testKit.spawn(StorageGuard.create(target, dir, settings, supervisor.ref(), alerts.ref(), Runnable::run, null));

    assertEquals(new Space(500, 1000),
        supervisor.expectMessageClass(TransferSupervisor.TargetSpace.class).space());
    AlertManager.Raise dock = alerts.expectMessageClass(AlertManager.Raise.class);
    assertEquals("dock-disk", dock.key());
    assertEquals(Alert.Severity.WARNING, dock.severity());

    target.fakeSpace = new Space(100, 1000);
    time.expectNoMessageFor(Duration.ofSeconds(59), supervisor);
    time.timePasses(Duration.ofSeconds(1));
    assertEquals(new Space(100, 1000),
        supervisor.expectMessageClass(TransferSupervisor.TargetSpace.class).space());
  }
}
