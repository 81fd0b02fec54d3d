package dev.mediaferry.logship;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mediaferry.testing.Cli;
import dev.mediaferry.testing.RecordingApi;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The log shipper inside real daemon processes, stopped hard (kill -9) mid-batch again and
 * again while a writer appends partial lines and rotates to a new day's file and the API
 * fails, throttles and hangs. At the end every address written reached the server, and an
 * address that arrived twice arrived only in a resent batch (the same id).
 */
class LogshipDaemonTest {
  static final String KEY = "sk-live-7f3e9b2a44c1";

  @TempDir
  Path home;

  @Test
  void everyAddressArrivesAtLeastOnceThroughKillsAndFailuresAndRepeatsOnlyAsResentBatches() throws Exception {
    Path logs = Files.createDirectories(home.resolve("logs"));
    Files.createDirectories(home.resolve("media"));
    try (RecordingApi api = new RecordingApi("X-API-Key", KEY)) {
      String config = Cli.configFile(home, String.format("""
          mediaferry {
            home = "%1$s"
            source { dir = "%1$s/media", stable-for = 0s }
            target.url = "file:%1$s/nas"
            storage.min-free = 0
            logship {
              enabled = true
              dir = "%1$s/logs"
              pattern = "ramnit_{date}.log"
              endpoint = "%2$s"
              batch { max-items = 20, max-age = 200ms }
              retry { initial = 100ms, max = 1s }
              request-timeout = 2s
              poll-interval = 100ms
            }
          }
          """, home.toString().replace('\\', '/'), api.url()));
      Map<String, String> env = Map.of("MEDIAFERRY_LOGSHIP_API_KEY", KEY);
      Writer writer = new Writer(logs, new Random(42));
      StringBuilder output = new StringBuilder();

      // 1: killed while the server holds a request without answering (mid-batch)
      writer.lines("ramnit_2026-11-23.log", 150);
      api.mode(RecordingApi.Mode.HANG);
      Process daemon = Cli.start(home, env, "run", "--config", config);
      await().atMost(Duration.ofSeconds(60)).until(() -> api.hanging() > 0);
      output.append(killHard(daemon));
      api.mode(RecordingApi.Mode.OK);

      // 2: the server fails and throttles, the day rolls over to a new file, then a kill after some uploads
      writer.lines("ramnit_2026-11-23.log", 60);
      writer.lines("ramnit_2026-11-24.log", 120);
      api.mode(RecordingApi.Mode.FAIL_500);
      daemon = Cli.start(home, env, "run", "--config", config);
      await().atMost(Duration.ofSeconds(60)).until(() -> api.received().stream().filter(r -> r.answered() == 500)
          .count() >= 2);
      api.mode(RecordingApi.Mode.TOO_MANY_429);
      await().atMost(Duration.ofSeconds(30)).until(() -> api.received().stream().filter(r -> r.answered() == 429)
          .count() >= 1);
      api.mode(RecordingApi.Mode.OK);
      int before = api.received().size();
      await().atMost(Duration.ofSeconds(60)).until(() -> api.received().size() >= before + 3);
      assertTrue(metrics().contains("mediaferry_logship_uploaded_items_total"), "logship metrics on /metrics");
      output.append(killHard(daemon));

      // 3: the server is down, lines keep coming; killed while it retries
      api.stop();
      daemon = Cli.start(home, env, "run", "--config", config);
      writer.lines("ramnit_2026-11-24.log", 80);
      await().atMost(Duration.ofSeconds(60)).until(() -> logged("cannot connect"));
      output.append(killHard(daemon));
      api.start();

      // the rest by logship --once: exit 0 once every complete line is acknowledged
      writer.finishLine("ramnit_2026-11-24.log");
      Cli.Result once = Cli.run(home, env, "logship", "--once", "--config", config);
      output.append(once.stdout()).append(once.stderr());
      assertEquals(0, once.exitCode(), once.stdout() + once.stderr());
      assertTrue(once.stdout().contains("queued:            0 items"), once.stdout());

      Map<String, Set<String>> arrived = api.allItems();
      Set<String> missing = new java.util.TreeSet<>(writer.written);
      missing.removeAll(api.acceptedItems().keySet());
      assertEquals(Set.of(), missing, "written but never acknowledged");
      assertEquals(writer.written, arrived.keySet(), "nothing arrives that was not written (no half lines)");
      arrived.forEach((item, batchIds) -> assertEquals(1, batchIds.size(), "batches that carried " + item));
      api.received().forEach(r -> assertEquals(r.batchId(), r.idempotencyKey()));
      assertTrue(api.received().stream().filter(r -> r.answered() == 200).count() < api.received().size(),
          "some batches were resent");

      // the key is sent, and never written anywhere
      api.received().forEach(r -> assertEquals(KEY, r.apiKey()));
      List<Path> written;
      try (Stream<Path> files = Files.walk(home)) {
        written = files.filter(Files::isRegularFile).filter(p -> !p.startsWith(logs))
            .filter(p -> !p.getFileName().toString().endsWith(".db")).toList();
      }
      assertTrue(written.stream().anyMatch(p -> p.getFileName().toString().equals("mediaferry.log")), "" + written);
      for (Path file : written) {
        assertFalse(Files.readString(file, StandardCharsets.ISO_8859_1).contains(KEY), file + " holds the key");
      }
      assertFalse(output.toString().contains(KEY), "the output holds the key");
    }
  }

  private boolean logged(String text) throws Exception {
    Path log = home.resolve("var/log/mediaferry.log");
    return Files.exists(log) && Files.readString(log).contains(text);
  }

  private String metrics() throws Exception {
    String address = Files.readString(home.resolve("var/state/http-address")).strip();
    HttpResponse<String> response = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://" + address + "/metrics")).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    return response.body();
  }

  /** kill -9; returns what the process printed. */
  private String killHard(Process daemon) throws Exception {
    daemon.destroyForcibly();
    assertTrue(daemon.waitFor(30, TimeUnit.SECONDS));
    return Files.readString(home.resolve("stdout.txt")) + Files.readString(home.resolve("stderr.txt"));
  }

  /** Appends lines with one address each (some repeated within the day), the last one left half-written. */
  static final class Writer {
    final Set<String> written = new LinkedHashSet<>();
    private final Path dir;
    private final Random random;
    private int next;
    private final Map<String, String> pendingTail = new java.util.HashMap<>();
    private final Map<String, List<String>> byFile = new java.util.HashMap<>();

    Writer(Path dir, Random random) {
      this.dir = dir;
      this.random = random;
    }

    void lines(String file, int count) throws Exception {
      StringBuilder text = new StringBuilder(pendingTail.getOrDefault(file, ""));
      List<String> mine = byFile.computeIfAbsent(file, f -> new ArrayList<>());
      for (int i = 0; i < count; i++) {
        String ip;
        if (!mine.isEmpty() && random.nextInt(5) == 0) {
          ip = mine.get(random.nextInt(mine.size())); // a repeat within the day
        } else {
          next++;
          ip = "10." + (next >> 16 & 255) + "." + (next >> 8 & 255) + "." + (next & 255);
          mine.add(ip);
        }
        written.add(ip);
        text.append("2026-11-24 10:00:00 ramnit beacon from ").append(ip).append(" port ").append(1000 + i)
            .append('\n');
      }
      // half of one more line: the rest comes with the next write
      next++;
      String ip = "10." + (next >> 16 & 255) + "." + (next >> 8 & 255) + "." + (next & 255);
      mine.add(ip);
      written.add(ip);
      String line = "2026-11-24 10:00:01 ramnit beacon from " + ip + " port 9\n";
      int cut = line.indexOf(ip) + ip.length() - 2;
      text.append(line, 0, cut);
      pendingTail.put(file, "");
      Files.writeString(dir.resolve(file), text, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
      pendingTail.put(file, line.substring(cut));
    }

    void finishLine(String file) throws Exception {
      for (Map.Entry<String, String> tail : pendingTail.entrySet()) {
        Files.writeString(dir.resolve(tail.getKey()), tail.getValue(), StandardCharsets.UTF_8,
            StandardOpenOption.APPEND);
      }
      pendingTail.clear();
    }
  }
}
