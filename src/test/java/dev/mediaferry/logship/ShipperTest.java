package dev.mediaferry.logship;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mediaferry.config.Settings;
import dev.mediaferry.testing.RecordingApi;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipper's engine against a real SQLite journal and a real HTTP server on 127.0.0.1. */
class ShipperTest {
  static final String KEY = "k-3f9a1c";

  @TempDir
  Path home;
  Path logs;
  RecordingApi api;

  @BeforeEach
  void start() throws Exception {
    logs = Files.createDirectories(home.resolve("logs"));
    api = new RecordingApi("X-API-Key", KEY);
  }

  @AfterEach
  void stop() {
    api.close();
  }

  static Settings.Logship settings(Path dir, String endpoint, Path keyFile, Settings.DedupMode dedup,
      int batchItems, int queueItems) {
    return settings(dir, endpoint, keyFile, dedup, batchItems, queueItems, Duration.ofHours(1));
  }

  static Settings.Logship settings(Path dir, String endpoint, Path keyFile, Settings.DedupMode dedup,
      int batchItems, int queueItems, Duration batchMaxAge) {
    return new Settings.Logship(true, dir, "ramnit_*.log", "ipv4", dedup, 30, endpoint, "UNUSED_VARIABLE", keyFile,
        "X-API-Key", batchItems, batchMaxAge, queueItems, Duration.ofMillis(10), Duration.ofMillis(50),
        Duration.ofSeconds(2), Duration.ofMillis(700), Duration.ofMillis(100));
  }

  Shipper shipper(Settings.DedupMode dedup, int batchItems, int queueItems) throws Exception {
    Path key = home.resolve("api.key");
    if (!Files.exists(key)) {
      Files.writeString(key, KEY + "\n");
    }
    return Shipper.open(settings(logs, api.url(), key, dedup, batchItems, queueItems), home.resolve("state"),
        Clock.systemDefaultZone());
  }

  void append(String file, String text) throws Exception {
    Files.writeString(logs.resolve(file), text, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
  }

  /** Cycles (reading and flushing open batches) until nothing is left to send. */
  static void drain(Shipper shipper) throws Exception {
    for (int i = 0; i < 50; i++) {
      Shipper.Cycle cycle = shipper.cycle(true, true);
      assertNull(cycle.failure(), "upload failure");
      if (cycle.readAll() && shipper.idle()) {
        return;
      }
    }
    throw new AssertionError("the shipper did not drain in 50 cycles");
  }

  Set<String> accepted() {
    return api.acceptedItems().keySet();
  }

  @Test
  void extractsIpv4AddressesAndIgnoresLookalikes() {
    Extractor ipv4 = Extractor.of("ipv4");
    List<String> found = new java.util.ArrayList<>();
    ipv4.extract("2026-11-24 10:00:01 conn from 10.0.0.1 to 192.168.1.254:443 ver 1.2.3.4.5 x256.1.1.1 "
        + "300.1.1.1 8.8.8.8.", found);
    assertEquals(List.of("10.0.0.1", "192.168.1.254", "8.8.8.8"), found);
  }

  @Test
  void aCustomExpressionNeedsExactlyOneGroup() {
    List<String> found = new java.util.ArrayList<>();
    Extractor.of("user=(\\w+)").extract("a user=alice b user=bob", found);
    assertEquals(List.of("alice", "bob"), found);
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Extractor.of("(a)(b)")).getMessage()
        .contains("needs exactly one"));
  }

  @Test
  void aTrailingLineWithoutItsNewlineWaitsAcrossARestart() throws Exception {
    append("ramnit_2026-11-24.log", "a 10.0.0.1\nb 10.0.0.2\nc 10.0.0.");
    try (Shipper shipper = shipper(Settings.DedupMode.DAY, 100, 1000)) {
      drain(shipper);
    }
    assertEquals(Set.of("10.0.0.1", "10.0.0.2"), accepted());
    append("ramnit_2026-11-24.log", "3\n");
    try (Shipper restarted = shipper(Settings.DedupMode.DAY, 100, 1000)) {
      drain(restarted);
      assertEquals(3, restarted.figures().totals().get(Shipper.Total.LINES_READ));
    }
    // the half-written "10.0.0." was never sent as 10.0.0.0-something: only the whole line's address
    assertEquals(Set.of("10.0.0.1", "10.0.0.2", "10.0.0.3"), accepted());
    api.received().forEach(r -> assertEquals(r.batchId(), r.idempotencyKey()));
  }

  @Test
  void duplicatesAreDroppedWithinTheDayAndAcrossDaysInGlobalModeAndStayDroppedAfterARestart() throws Exception {
    append("ramnit_2026-11-23.log", "10.0.0.1\n10.0.0.1\n10.0.0.2\n");
    append("ramnit_2026-11-24.log", "10.0.0.1\n10.0.0.3\n");
    try (Shipper shipper = shipper(Settings.DedupMode.GLOBAL, 100, 1000)) {
      drain(shipper);
      Map<Shipper.Total, Long> totals = shipper.figures().totals();
      assertEquals(1, totals.get(Shipper.Total.DUPLICATES_DAY));
      assertEquals(1, totals.get(Shipper.Total.DUPLICATES_GLOBAL));
      assertEquals(3, totals.get(Shipper.Total.NEW_ITEMS));
    }
    append("ramnit_2026-11-24.log", "10.0.0.2\n10.0.0.4\n");
    try (Shipper restarted = shipper(Settings.DedupMode.GLOBAL, 100, 1000)) {
      drain(restarted);
    }
    Map<String, Set<String>> items = api.acceptedItems();
    assertEquals(Set.of("10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4"), items.keySet());
    items.forEach((item, ids) -> assertEquals(1, ids.size(), item + " sent once")); // each sent once
  }

  @Test
  void dayModeSendsAnItemAgainOnAnotherDayButNotTwiceOnOne() throws Exception {
    append("ramnit_2026-11-23.log", "10.0.0.1\n10.0.0.1\n");
    append("ramnit_2026-11-24.log", "10.0.0.1\n");
    try (Shipper shipper = shipper(Settings.DedupMode.DAY, 100, 1000)) {
      drain(shipper);
    }
    assertEquals(2, api.received().stream().filter(r -> r.items().contains("10.0.0.1")).count());
  }

  @Test
  void aRenamedFileIsFollowedOnAndATruncatedOneIsReadAgainFromItsStart() throws Exception {
    append("ramnit_a.log", "10.0.1.1\n10.0.1.2\n");
    try (Shipper shipper = shipper(Settings.DedupMode.NONE, 100, 1000)) {
      drain(shipper);
      Files.move(logs.resolve("ramnit_a.log"), logs.resolve("ramnit_b.log")); // same inode
      append("ramnit_b.log", "10.0.1.3\n");
      drain(shipper);
      assertEquals(Set.of("10.0.1.1", "10.0.1.2", "10.0.1.3"), api.allItems().keySet());
      api.allItems().forEach((item, ids) -> assertEquals(1, ids.size(), item + " read again"));

      Files.writeString(logs.resolve("ramnit_b.log"), "10.0.2.1\n"); // truncated and rewritten, shorter
      drain(shipper);
    }
    assertTrue(api.allItems().containsKey("10.0.2.1"), "the rewritten file's line was read");
    assertEquals(1, api.allItems().get("10.0.1.1").size());
  }

  @Test
  void aLogCopiedToANewInodeIsRecognisedByItsFirstBytesAndNotReadTwice() throws Exception {
    append("ramnit_a.log", "first line 10.0.3.1\n");
    try (Shipper shipper = shipper(Settings.DedupMode.NONE, 100, 1000)) {
      drain(shipper);
      Path copy = logs.resolve("ramnit_a.log.tmp");
      Files.copy(logs.resolve("ramnit_a.log"), copy);
      Files.delete(logs.resolve("ramnit_a.log"));
      Files.move(copy, logs.resolve("ramnit_a.log")); // a new inode with the same content
      append("ramnit_a.log", "10.0.3.2\n");
      drain(shipper);
    }
    assertEquals(Set.of("10.0.3.1", "10.0.3.2"), api.allItems().keySet());
    assertEquals(1, api.allItems().get("10.0.3.1").size());
  }

  @Test
  void failedUploadsAreRetriedWithTheSameBatchIdAndATimedOutOneIsResentUnderItsId() throws Exception {
    append("ramnit_2026-11-24.log", "10.0.4.1\n10.0.4.2\n");
    try (Shipper shipper = shipper(Settings.DedupMode.DAY, 100, 1000)) {
      api.mode(RecordingApi.Mode.FAIL_500);
      assertInstanceOf(BatchSender.RetryLater.class, shipper.cycle(true, true).failure());
      api.mode(RecordingApi.Mode.TOO_MANY_429);
      BatchSender.Answer tooMany = shipper.cycle(true, true).failure();
      assertEquals(Duration.ofSeconds(1), assertInstanceOf(BatchSender.RetryLater.class, tooMany).retryAfter());
      api.mode(RecordingApi.Mode.HANG); // the server takes it but its answer never comes (request timeout)
      assertInstanceOf(BatchSender.RetryLater.class, shipper.cycle(true, true).failure());
      api.stop();
      assertInstanceOf(BatchSender.RetryLater.class, shipper.cycle(true, true).failure());
      api.start();
      api.mode(RecordingApi.Mode.OK);
      drain(shipper);
      assertEquals(4, shipper.figures().totals().get(Shipper.Total.FAILED_ATTEMPTS));
    }
    List<RecordingApi.Received> received = api.received();
    assertEquals(4, received.size()); // 500, 429, the hung one, then 200 (the server was down once)
    assertEquals(1, received.stream().map(RecordingApi.Received::batchId).collect(Collectors.toSet()).size());
    assertEquals(Set.of("10.0.4.1", "10.0.4.2"), accepted());
  }

  @Test
  void aRefusedKeyDropsNothingAndAFixedKeyFileIsPickedUp() throws Exception {
    Files.writeString(home.resolve("api.key"), "wrong-key");
    append("ramnit_2026-11-24.log", "10.0.5.1\n");
    try (Shipper shipper = shipper(Settings.DedupMode.DAY, 100, 1000)) {
      BatchSender.Answer refused = shipper.cycle(true, true).failure();
      assertEquals(401, assertInstanceOf(BatchSender.Refused.class, refused).status());
      assertEquals(1, shipper.figures().queuedItems());
      Files.writeString(home.resolve("api.key"), KEY);
      drain(shipper);
    }
    assertEquals(Set.of("10.0.5.1"), accepted());
    assertEquals("wrong-key", api.received().get(0).apiKey());
  }

  @Test
  void readingPausesWhenTheQueueIsFullAndNothingIsDropped() throws Exception {
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < 250; i++) {
      lines.append("10.1.").append(i / 200).append('.').append(i % 200).append('\n');
    }
    append("ramnit_2026-11-24.log", lines.toString());
    api.stop();
    try (Shipper shipper = shipper(Settings.DedupMode.DAY, 10, 50)) {
      for (int i = 0; i < 3; i++) {
        Shipper.Cycle cycle = shipper.cycle(true, false);
        assertTrue(cycle.queueFull());
        assertTrue(cycle.figures().queuedItems() <= 50, cycle.figures().queuedItems() + " queued");
      }
      assertEquals(50, shipper.figures().totals().get(Shipper.Total.LINES_READ));
      api.start();
      drain(shipper);
    }
    assertEquals(250, accepted().size());
  }
}
