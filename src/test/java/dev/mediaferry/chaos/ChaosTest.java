package dev.mediaferry.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mediaferry.testing.OpenSshServer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The reduced chaos run of scripts/test: 100 files (small photos and four of 40-70 MiB, no
 * sparse giants), five kills and every other fault at least once, under three minutes. The
 * full run is scripts/chaos (docs/reliability.md).
 */
class ChaosTest {
  /** Not a JUnit temp folder: what a failed run leaves (logs, journal, NAS) stays for a look, until the next run. */
  private final Path work = Path.of(System.getProperty("java.io.tmpdir"), "mediaferry-chaos-test");

  @Test
  void aHundredFilesThroughFiveKillsCutsStallsFillsAndLocksArriveIntactAndTheAuditIsClean() throws Exception {
    OpenSshServer.requireSshd();
    OpenSshServer.requireRoot("the chaos run (it mounts the NAS tmpfs and kills the NAS user's processes)");
    ChaosRun.Options options = new ChaosRun.Options(5, 3, 20261124L,
        new ChaosPlan.Sizes(100, 4, 0, 2 * ChaosPlan.MIB, 40 * ChaosPlan.MIB, 70 * ChaosPlan.MIB),
        work, 1.0, 100, "40MB/s");

    ChaosRun.Result result = ChaosRun.run(options);

    System.out.println(result.details());
    System.out.println(result.line());
    assertTrue(result.violations().isEmpty(), result.violations().size() + " violations, the first ones: "
        + result.violations().stream().limit(15).toList());
    assertEquals(5, result.kills());
    for (ChaosRun.Fault fault : ChaosRun.Fault.values()) {
      assertTrue(result.injected().get(fault) >= 1, fault + " was injected: " + result.details());
    }
    assertTrue(result.cuts() >= 1 && result.stalls() >= 1, "cuts and stalls reached a connection: " + result.line());
    assertTrue(result.modified() >= 1, "a file changed while it uploaded: " + result.details());
  }
}
