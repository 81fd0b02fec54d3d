package dev.mediaferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The readable status: one line per file in flight with a bar, sizes, rate and ETA. */
class StatusViewTest {
  private static JsonNode json(String text) throws Exception {
    return new ObjectMapper().readTree(text);
  }

  @Test
  void aFileInFlightShowsItsBarSizesRateAndEta() throws Exception {
    String line = StatusView.flight(json("{\"path\":\"DJI_0001.MP4\",\"bytesDone\":1000000000,"
        + "\"bytesTotal\":4000000000,\"rateBytesPerSecond\":85300000,\"etaSeconds\":35}"));

    assertEquals("DJI_0001.MP4  [######------------------]  25%  1.0 GB / 4.0 GB  85.3 MB/s  ETA 35s", line);
  }

  @Test
  void anUnknownEtaAndAnEmptyFileDoNotBreakTheLine() throws Exception {
    String line = StatusView.flight(json("{\"path\":\"empty.jpg\",\"bytesDone\":0,\"bytesTotal\":0,"
        + "\"rateBytesPerSecond\":0,\"etaSeconds\":null}"));

    assertTrue(line.contains("[########################] 100%"), line);
    assertTrue(line.endsWith("ETA ?"), line);
  }

  @Test
  void theScreenNamesHealthReasonsQueueAndFailures() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StatusView.print(json("{\"version\":\"1.0\",\"uptimeSeconds\":3725,\"source\":\"/media\",\"target\":\"sftp://nas\","
        + "\"health\":{\"status\":\"critical\",\"reasons\":[{\"level\":\"critical\",\"message\":\"NAS unreachable\"}]},"
        + "\"queue\":{\"queued\":3,\"queuedBytes\":3000000,\"waitingForRetry\":1,\"deletesDue\":0,"
        + "\"heldBackBecause\":null},\"inFlight\":[],\"pendingDeletesTotal\":0,\"pendingDeletes\":[],"
        + "\"recentFailures\":[{\"at\":\"2026-11-24T01:00:00Z\",\"path\":\"a.mp4\",\"kind\":\"TRANSIENT\","
        + "\"message\":\"connection reset\",\"retryAt\":\"2026-11-24T01:00:05Z\"}],\"files\":{\"deleted\":7}}"),
        new PrintStream(out, true, StandardCharsets.UTF_8));

    String screen = out.toString(StandardCharsets.UTF_8);
    assertTrue(screen.startsWith("mediaferry 1.0  up 1h2m  CRITICAL"), screen);
    assertTrue(screen.contains("critical NAS unreachable"), screen);
    assertTrue(screen.contains("queue: 3 files (3.0 MB) waiting, 1 waiting for a retry"), screen);
    assertTrue(screen.contains("a.mp4  TRANSIENT: connection reset (retry at 2026-11-24T01:00:05Z)"), screen);
    assertTrue(screen.contains("files: deleted=7"), screen);
  }
}
