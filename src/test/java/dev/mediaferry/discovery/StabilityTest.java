package dev.mediaferry.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mediaferry.file.FileInfo;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class StabilityTest {
  static final long SECOND = 1_000_000_000L;

  @Test
  void fileIsStableOnlyAfterItsSizeAndMtimeHeldForTheWholeWindow() {
    Stability stability = new Stability(Duration.ofSeconds(10));
    FileInfo v1 = FileInfo.of("a.mp4", 100, 1000);
    FileInfo v2 = FileInfo.of("a.mp4", 200, 2000);

    assertEquals(List.of(), stability.observe(List.of(v1), 0));
    assertEquals(List.of(), stability.observe(List.of(v2), 9 * SECOND), "grew: the wait starts again");
    assertEquals(List.of(), stability.observe(List.of(v2), 18 * SECOND));
    assertEquals(List.of(v2), stability.observe(List.of(v2), 19 * SECOND));
  }

  @Test
  void zeroWindowTakesFilesAtFirstSight() {
    Stability stability = new Stability(Duration.ZERO);
    FileInfo file = FileInfo.of("b.jpg", 1, 1);
    assertEquals(List.of(file), stability.observe(List.of(file), 5));
  }

  @Test
  void vanishedFilesAreForgotten() {
    Stability stability = new Stability(Duration.ofSeconds(1));
    FileInfo file = FileInfo.of("c.jpg", 1, 1);
    stability.observe(List.of(file), 0);
    stability.observe(List.of(), SECOND);
    assertEquals(List.of(), stability.observe(List.of(file), 2 * SECOND), "seen anew, waits again");
  }
}
