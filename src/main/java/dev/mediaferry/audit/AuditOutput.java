package dev.mediaferry.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Prints audit events as a table, JSON lines or CSV. */
public final class AuditOutput {
  public enum Format { table, json, csv }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final DateTimeFormatter ISO_LOCAL = DateTimeFormatter.ISO_OFFSET_DATE_TIME;
  private static final List<String> CSV_FIELDS = List.of("attempt", "kind", "message", "remotePath", "sha256",
      "bytes", "trashPath", "dueAtMillis", "outcome", "ok");

  private final Format format;
  private final PrintStream out;
  private final ZoneId zone;

  public AuditOutput(Format format, PrintStream out) {
    this(format, out, ZoneId.systemDefault());
  }

  /** zone: where epoch-millis fields (dueAtMillis, retryAtMillis, mtimeMillis) are shown as local times. */
  public AuditOutput(Format format, PrintStream out, ZoneId zone) {
    this.format = format;
    this.out = out;
    this.zone = zone;
  }

  public void header() {
    switch (format) {
      case csv -> out.println("time,file_id,path,seq,event," + String.join(",", CSV_FIELDS));
      case table -> out.printf("%-24s %-32s %-4s %-16s %s%n", "TIME", "FILE", "SEQ", "EVENT", "DETAILS");
      case json -> { }
    }
  }

  public void event(AuditEvent e, String path) {
    ObjectNode fields = JSON.valueToTree(e.event());
    switch (format) {
      case json -> {
        ObjectNode line = JSON.createObjectNode();
        line.put("time", e.time().toString());
        line.put("file_id", e.fileId());
        line.put("path", path);
        line.put("seq", e.sequenceNr());
        line.put("event", e.type());
        line.setAll(fields);
        localTimes(fields).forEach(line::put); // beside the numbers, which stay as they are
        out.println(line);
      }
      case csv -> {
        StringBuilder row = new StringBuilder();
        row.append(e.time()).append(',').append(e.fileId()).append(',').append(csv(path)).append(',')
            .append(e.sequenceNr()).append(',').append(e.type());
        for (String field : CSV_FIELDS) {
          row.append(',').append(fields.has(field) && !fields.get(field).isNull() ? csv(fields.get(field).asText()) : "");
        }
        out.println(row);
      }
      case table -> out.printf("%-24s %-32s %-4d %-16s %s%n", e.time(), e.fileId(), e.sequenceNr(), e.type(),
          details(fields, localTimes(fields)));
    }
  }

  /** The table shows a time field as its local time (dueAt=2026-11-23T09:00:00+01:00), not as millis. */
  private static String details(ObjectNode fields, Map<String, String> localTimes) {
    StringBuilder out = new StringBuilder();
    fields.fields().forEachRemaining(f -> {
      if (!f.getValue().isNull()) {
        String name = f.getKey();
        String local = localTimes.get(timeName(name));
        out.append(out.length() == 0 ? "" : "  ").append(local != null ? timeName(name) : name).append('=')
            .append(local != null ? local : f.getValue().asText().replace("\n", "\\n"));
      }
    });
    return out.toString();
  }

  /** Each field stored as epoch millis (name ending in Millis), as a local ISO time under the name without it. */
  private Map<String, String> localTimes(ObjectNode fields) {
    Map<String, String> times = new LinkedHashMap<>();
    fields.fields().forEachRemaining(f -> {
      if (f.getKey().endsWith("Millis") && f.getValue().isNumber()) {
        times.put(timeName(f.getKey()), ISO_LOCAL.format(Instant.ofEpochMilli(f.getValue().asLong()).atZone(zone)));
      }
    });
    return times;
  }

  private static String timeName(String field) {
    return field.endsWith("Millis") ? field.substring(0, field.length() - "Millis".length()) : field;
  }

  /** RFC 4180: quoted when it holds a comma, quote or line break; quotes doubled. */
  public static String csv(String value) {
    if (value == null) {
      return "";
    }
    if (value.contains(",") || value.contains("\"") || value.contains("\n") || value.contains("\r")) {
      return "\"" + value.replace("\"", "\"\"") + "\"";
    }
    return value;
  }

  public static String time(Instant instant) {
    return instant == null ? "-" : instant.toString();
  }
}
