package dev.mediaferry.storage;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.mediaferry.config.Settings;
import dev.mediaferry.daemon.Daemon;
import dev.mediaferry.journal.JournalDatabase;
import dev.mediaferry.targets.LocalTarget;
import dev.mediaferry.testing.OpenSshServer;
import dev.mediaferry.testing.TestFiles;
import dev.mediaferry.testing.TestSettings;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real 8 MiB tmpfs as the target with a 4 MiB reserve: the daemon fills it up to the
 * reserve, says so once on a real webhook, and resumes by itself when space is freed.
 */
class StorageEndToEndTest {
  @TempDir Path root;

  @Test
  void daemonStopsAtTheReserveAlertsOnceAndResumesWhenSpaceIsFreed() throws Exception {
    OpenSshServer.requireRoot("mounting a small tmpfs");
    List<JsonNode> alerts = new CopyOnWriteArrayList<>();
    HttpServer hook = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    hook.createContext("/", exchange -> {
      alerts.add(new ObjectMapper().readTree(exchange.getRequestBody().readAllBytes()));
      exchange.sendResponseHeaders(204, -1);
      exchange.close();
    });
    hook.start();
    Path small = Files.createDirectories(root.resolve("nas"));
    OpenSshServer.run("mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", small.toString());
    Daemon daemon = null;
    try {
      Settings settings = TestSettings.under(root.resolve("dock"), Map.of(
          "mediaferry.target.url", "file:" + small,
          "mediaferry.target.layout", "{name}",
          "mediaferry.storage.min-free", "4MiB",
          "mediaferry.storage.check-interval", "200ms",
          "mediaferry.delete.after-sync", false,
          "mediaferry.alerts.webhook.url", "http://127.0.0.1:" + hook.getAddress().getPort() + "/"));
      for (int i = 0; i < 6; i++) {
        TestFiles.write(settings.source().dir().resolve("clip-" + i + ".mp4"), 1_000_000, i);
      }
      JournalDatabase.ensureSchema(settings.journalFile());
      daemon = Daemon.start(settings, new LocalTarget(small), false);

      await().atMost(Duration.ofSeconds(30)).until(() -> firing(alerts, "target-space") == 1);
      assertEquals(4, TestFiles.listFiles(small).size(), "four files fit above the 4 MiB reserve");
      assertTrue(Files.getFileStore(small).getUsableSpace() >= 4 << 20, "the reserve was never crossed");

      Files.delete(small.resolve("clip-0.mp4"));
      Files.delete(small.resolve("clip-1.mp4"));
      await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(small.resolve("clip-5.mp4"))
          && Files.exists(small.resolve("clip-4.mp4")));
      await().atMost(Duration.ofSeconds(10)).until(() -> alerts.stream().anyMatch(a ->
          a.get("alert").asText().equals("target-space") && a.get("status").asText().equals("resolved")));
      assertEquals(1, firing(alerts, "target-space"), "one alert while it lasted");
      assertTrue(Files.getFileStore(small).getUsableSpace() >= 4 << 20);
    } finally {
      if (daemon != null) {
        daemon.stop().get(60, TimeUnit.SECONDS);
      }
      hook.stop(0);
      OpenSshServer.run("umount", small.toString());
    }
  }

  private static long firing(List<JsonNode> alerts, String key) {
    return alerts.stream().filter(a -> a.get("alert").asText().equals(key)
        && a.get("status").asText().equals("firing")).count();
  }
}
