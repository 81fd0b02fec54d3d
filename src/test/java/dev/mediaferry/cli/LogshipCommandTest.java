package dev.mediaferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mediaferry.testing.Cli;
import dev.mediaferry.testing.RecordingApi;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** logship --once, check and status as an operator runs them, in their own JVMs. */
class LogshipCommandTest {
  static final String KEY = "key-a81f20c";

  @TempDir
  Path home;

  private String config(String endpoint) throws Exception {
    return Cli.configFile(home, String.format("""
        mediaferry {
          home = "%1$s"
          logship { enabled = true, dir = "%1$s/logs", endpoint = "%2$s", batch.max-items = 2,
            retry { initial = 100ms, max = 200ms }, request-timeout = 2s }
        }
        """, home.toString().replace('\\', '/'), endpoint));
  }

  @Test
  void onceWithARefusedKeyKeepsEverythingAndTheRightKeyDeliversItAll() throws Exception {
    Path logs = Files.createDirectories(home.resolve("logs"));
    Files.writeString(logs.resolve("ramnit_2026-11-24.log"), "a 10.7.0.1\nb 10.7.0.2\nc 10.7.0.3\nd 10.7.0.");
    try (RecordingApi api = new RecordingApi("X-API-Key", KEY)) {
      String config = config(api.url());
      Cli.Result refused = Cli.run(home, Map.of("MEDIAFERRY_LOGSHIP_API_KEY", "stale-key"),
          "logship", "--once", "--config", config);
      assertEquals(1, refused.exitCode(), refused.stdout() + refused.stderr());
      assertTrue(refused.stderr().contains("401") && refused.stderr().contains("API key"), refused.stderr());
      Cli.Result waiting = Cli.run(home, "logship", "status", "--config", config);
      assertEquals(0, waiting.exitCode(), waiting.stderr());
      assertTrue(waiting.stdout().contains("queued:            3 items in 2 batches"), waiting.stdout());

      Cli.Result delivered = Cli.run(home, Map.of("MEDIAFERRY_LOGSHIP_API_KEY", KEY),
          "logship", "--once", "--config", config);
      assertEquals(0, delivered.exitCode(), delivered.stdout() + delivered.stderr());
      assertEquals(Set.of("10.7.0.1", "10.7.0.2", "10.7.0.3"), api.acceptedItems().keySet());
      assertTrue(delivered.stdout().contains("uploaded:          3 items in 2 batches"), delivered.stdout());
      assertFalse((refused.stdout() + refused.stderr() + delivered.stdout() + delivered.stderr()).contains(KEY));
    }
  }

  @Test
  void checkReportsTheEndpointsAnswer() throws Exception {
    try (RecordingApi api = new RecordingApi("X-API-Key", KEY)) {
      String config = config(api.url());
      Cli.Result ok = Cli.run(home, Map.of("MEDIAFERRY_LOGSHIP_API_KEY", KEY), "logship", "check", "--config", config);
      assertEquals(0, ok.exitCode(), ok.stdout() + ok.stderr());
      assertTrue(ok.stdout().contains("OK"), ok.stdout());
      Cli.Result wrongKey = Cli.run(home, Map.of("MEDIAFERRY_LOGSHIP_API_KEY", "nope"), "logship", "check",
          "--config", config);
      assertEquals(1, wrongKey.exitCode());
      assertTrue(wrongKey.stdout().contains("FAILED") && wrongKey.stdout().contains("401"), wrongKey.stdout());
      api.stop();
      Cli.Result down = Cli.run(home, Map.of("MEDIAFERRY_LOGSHIP_API_KEY", KEY), "logship", "check", "--config",
          config);
      assertEquals(1, down.exitCode());
      assertTrue(down.stdout().contains("cannot connect"), down.stdout());
    }
  }

  @Test
  void aMissingKeyOrEndpointIsAConfigurationErrorThatSaysWhatToSet() throws Exception {
    Cli.Result noKey = Cli.run(home, "logship", "check", "--config", config("http://127.0.0.1:9/x"));
    assertEquals(2, noKey.exitCode(), noKey.stdout() + noKey.stderr());
    assertTrue(noKey.stderr().contains("MEDIAFERRY_LOGSHIP_API_KEY"), noKey.stderr());
    Cli.Result noMode = Cli.run(home, "logship", "--config", config("http://127.0.0.1:9/x"));
    assertEquals(2, noMode.exitCode());
  }
}
