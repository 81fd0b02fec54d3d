package dev.mediaferry.http;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mediaferry.config.Settings;
import dev.mediaferry.daemon.Daemon;
import dev.mediaferry.journal.JournalDatabase;
import dev.mediaferry.targets.LocalTarget;
import dev.mediaferry.targets.Target;
import dev.mediaferry.targets.sftp.SftpTarget;
import dev.mediaferry.testing.FaultyTarget;
import dev.mediaferry.testing.MinaSftpExtension;
import dev.mediaferry.testing.PrometheusText;
import dev.mediaferry.testing.SftpSettings;
import dev.mediaferry.testing.TcpFaultProxy;
import dev.mediaferry.testing.TestFiles;
import dev.mediaferry.testing.TestSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** /metrics, /status and /health of a running daemon, read over HTTP as Prometheus and operators do. */
class OperatorEndpointsTest {
  @RegisterExtension static final MinaSftpExtension sftp = new MinaSftpExtension();
  @TempDir Path root;

  @Test
  void metricsAndStatusFollowFilesThroughTheDaemon() throws Exception {
    Settings settings = TestSettings.under(root, Map.of("mediaferry.transfer.max-concurrent", 1,
        "mediaferry.delete.delay", "1h"));
    TestFiles.write(settings.source().dir().resolve("a.bin"), 1 << 20, 1);
    TestFiles.write(settings.source().dir().resolve("b.bin"), 2 << 20, 2);
    FaultyTarget target = new FaultyTarget(new LocalTarget(TestSettings.nas(settings)));
    CountDownLatch nasAnswers = target.blockUploads();
    Daemon daemon = start(settings, target);
    try {
      Endpoints endpoints = new Endpoints(settings.stateDir());
      PrometheusText before = endpoints.metrics();
      assertEquals(0, before.value("mediaferry_transfers_total{result=\"verified\"}"));
      assertTrue(before.value("mediaferry_start_time_seconds") > 0);
      assertTrue(before.samples.keySet().stream().anyMatch(k -> k.startsWith("mediaferry_build_info{")));
      assertTrue(before.samples.keySet().stream().anyMatch(k -> k.startsWith("jvm_memory_used_bytes")));

      // a held upload: one file in flight, one queued
      await().atMost(Duration.ofSeconds(30)).until(() -> endpoints.json("/status").body().at("/inFlight").size() == 1);
      PrometheusText held = endpoints.metrics();
      assertEquals(1, held.value("mediaferry_files_in_flight"));
      assertEquals(1, held.value("mediaferry_files_queued"));
      JsonNode status = endpoints.json("/status").body();
      String inFlight = status.at("/inFlight/0/path").asText();
      assertEquals(inFlight.equals("a.bin") ? 1 << 20 : 2 << 20, status.at("/inFlight/0/bytesTotal").asLong());
      assertEquals(1, status.at("/queue/queued").asInt());
      assertEquals(inFlight.equals("a.bin") ? "b.bin" : "a.bin", status.at("/queue/next/0/path").asText());

      nasAnswers.countDown();
      await().atMost(Duration.ofSeconds(30)).until(
          () -> endpoints.metrics().value("mediaferry_transfers_total{result=\"verified\"}") == 2);
      PrometheusText after = endpoints.metrics();
      assertEquals(3 << 20, after.value("mediaferry_transferred_bytes_total"));
      assertEquals(2, after.value("mediaferry_transfer_duration_seconds_count"));
      assertTrue(after.value("mediaferry_journal_write_seconds_count") >= 2);
      assertTrue(after.value("mediaferry_last_success_timestamp_seconds") > before.value("mediaferry_start_time_seconds") - 1);
      assertEquals(0, after.value("mediaferry_files_in_flight"));
      assertEquals(0, after.value("mediaferry_files_queued"));
      assertTrue(after.value("mediaferry_dock_free_bytes") > 0);
      await().atMost(Duration.ofSeconds(30)).until(
          () -> endpoints.metrics().value("mediaferry_files{state=\"pending_delete\"}") == 2);
      JsonNode done = endpoints.json("/status").body();
      assertEquals(2, done.at("/pendingDeletesTotal").asInt());
      assertFalse(done.at("/pendingDeletes/0/dueAt").asText().isEmpty());
      assertEquals(0, done.at("/inFlight").size());
      assertEquals("healthy", done.at("/health/status").asText());
      for (String family : after.types.keySet()) {
        assertTrue(family.startsWith("mediaferry_") || family.startsWith("jvm_") || family.startsWith("process_"),
            family);
        if (after.types.get(family).equals("counter")) {
          assertTrue(family.endsWith("_total"), family + " is a counter without _total");
        }
      }
    } finally {
      nasAnswers.countDown();
      daemon.stop().get(60, TimeUnit.SECONDS);
    }
    await("address file removed at stop").atMost(Duration.ofSeconds(10))
        .until(() -> !Files.exists(OperatorEndpoints.addressFile(settings.stateDir())));
  }

  @Test
  void healthIsCriticalWhileTheNasIsUnreachableAndHealthyWhenItReturns() throws Exception {
    Path nas = Files.createDirectories(root.resolve("nas"));
    try (TcpFaultProxy proxy = new TcpFaultProxy(sftp.server().port())) {
      Settings settings = TestSettings.under(root.resolve("daemon"), Map.of(
          "mediaferry.target.url", sftp.server().url(nas).replace(":" + sftp.server().port() + "/",
              ":" + proxy.port() + "/"),
          "mediaferry.storage.check-interval", "200ms"));
      String knownHosts = Files.readString(sftp.server().knownHosts())
          .replace(":" + sftp.server().port() + " ", ":" + proxy.port() + " ");
      Target target = SftpTarget.open(settings.target().url(),
          SftpSettings.of(sftp.server().identityFile(), Files.writeString(root.resolve("known_hosts"), knownHosts)));
      Daemon daemon = start(settings, target);
      try {
        Endpoints endpoints = new Endpoints(settings.stateDir());
        await().atMost(Duration.ofSeconds(30)).until(() -> endpoints.json("/health").code() == 200);
        assertEquals("healthy", endpoints.json("/health").body().at("/status").asText());

        proxy.down();
        await().atMost(Duration.ofSeconds(30)).until(() -> endpoints.json("/health").code() == 503);
        JsonNode health = endpoints.json("/health").body();
        assertEquals("critical", health.at("/status").asText());
        assertEquals("target-unreachable", health.at("/reasons/0/key").asText());

        proxy.up();
        await().atMost(Duration.ofSeconds(30)).until(() -> endpoints.json("/health").code() == 200);
        assertEquals("healthy", endpoints.json("/health").body().at("/status").asText());
      } finally {
        daemon.stop().get(60, TimeUnit.SECONDS);
      }
    }
  }

  private static Daemon start(Settings settings, Target target) throws Exception {
    JournalDatabase.ensureSchema(settings.journalFile());
    return Daemon.start(settings, target, false);
  }
}
