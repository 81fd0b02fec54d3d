package dev.mediaferry.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mediaferry.file.FileEvent;
import dev.mediaferry.journal.FileIndex;
import dev.mediaferry.journal.OfflineJournal;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Archived journal events: gzip-compressed JSON lines, one event per line with its journal
 * position, file id, sequence number, time, type and fields, readable by people (zcat) and
 * by `audit --archive` alike.
 */
public final class Archive {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String EVENTS = FileEvent.class.getName() + "$";

  private Archive() {}

  /** The archive written differs from the events read: it was removed and the journal left whole. */
  public static final class ReadBackMismatch extends IOException {
    ReadBackMismatch(String message) {
      super(message);
    }
  }

  /** What {@link #moveOut} archived. */
  public record Moved(int files, int events) {}

  /**
   * Moves the events of files that finished before cutoff out of the journal into file: they
   * are written, read back and compared event by event, and only then deleted from the journal.
   * Hold the daemon's lock: events journaled between the read and the delete would be lost.
   */
  public static Moved moveOut(OfflineJournal journal, Instant cutoff, Path file) throws IOException, SQLException {
    FileIndex index = journal.indexCaughtUp();
    Set<String> files = new HashSet<>();
    index.finishedBefore(cutoff.toEpochMilli()).forEach(row -> files.add(row.state().file().fileId()));
    if (files.isEmpty()) {
      return new Moved(0, 0);
    }
    List<AuditEvent> events = new ArrayList<>();
    JournalEvents.forEach(journal.system(), e -> {
      if (files.contains(e.fileId())) {
        events.add(e);
      }
    }).toCompletableFuture().join();
    write(file, events);
    if (!readAll(file).equals(events)) {
      Files.delete(file);
      throw new ReadBackMismatch("archive " + file + " did not read back identically; nothing was deleted");
    }
    index.removeArchived(files);
    return new Moved(files.size(), events.size());
  }

  /** Writes the events, in the order given, to a new file. */
  public static void write(Path file, List<AuditEvent> events) throws IOException {
    try (BufferedWriter out = new BufferedWriter(new OutputStreamWriter(new GZIPOutputStream(
        Files.newOutputStream(file, StandardOpenOption.CREATE_NEW)), StandardCharsets.UTF_8))) {
      for (AuditEvent e : events) {
        ObjectNode line = JSON.createObjectNode();
        line.put("ordering", e.ordering());
        line.put("file_id", e.fileId());
        line.put("seq", e.sequenceNr());
        line.put("time", e.time().toString());
        line.put("type", e.type());
        line.set("event", JSON.valueToTree(e.event()));
        out.write(line.toString());
        out.newLine();
      }
    }
  }

  /** Reads every event back, in file order. */
  public static void read(Path file, Consumer<AuditEvent> consumer) throws IOException {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(
        new GZIPInputStream(Files.newInputStream(file)), StandardCharsets.UTF_8))) {
      int lineNumber = 0;
      for (String line; (line = in.readLine()) != null; ) {
        lineNumber++;
        consumer.accept(parse(file, lineNumber, line));
      }
    }
  }

  public static List<AuditEvent> readAll(Path file) throws IOException {
    List<AuditEvent> events = new ArrayList<>();
    read(file, events::add);
    return events;
  }

  private static AuditEvent parse(Path file, int lineNumber, String line) throws IOException {
    try {
      JsonNode node = JSON.readTree(line);
      Class<?> type = Class.forName(EVENTS + node.get("type").asText());
      FileEvent event = (FileEvent) JSON.treeToValue(node.get("event"), type);
      return new AuditEvent(node.get("ordering").asLong(), node.get("file_id").asText(), node.get("seq").asLong(),
          Instant.parse(node.get("time").asText()), event);
    } catch (ClassNotFoundException | RuntimeException e) {
      throw new IOException("archive " + file + " line " + lineNumber + " is not a mediaferry event: " + e, e);
    }
  }
}
