package dev.mediaferry.observe;

import static net.logstash.logback.argument.StructuredArguments.kv;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mediaferry.file.FileEvent;
import dev.mediaferry.journal.FileIndex;
import dev.mediaferry.journal.ProjectionBesideIndex;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * mediaferry.log.state-changes: every journaled event of a file as one line on the logger
 * "mediaferry.state", which logback writes as JSON lines (state-changes.jsonl) for log
 * shippers: fileId, path, event, seq, at, and the event's own fields under details. A projection with its
 * offset beside the file index, so a restart resumes where it was (at least once); its first
 * run starts at the journal's end rather than logging all history.
 */
public final class StateChangeLog extends ProjectionBesideIndex {
  public static final String NAME = "state-change-log";
  private static final Logger LOG = LoggerFactory.getLogger("mediaferry.state");
  private static final ObjectMapper FIELDS = new ObjectMapper();

  /** Set once the first run's start was stored; the projection asks for it on the blocking executor. */
  private volatile boolean started;

  public StateChangeLog(FileIndex index) {
    super(index, NAME);
  }

  @Override
  public long offset() throws Exception {
    if (!started) {
      if (super.offset() == 0) {
        storeOffset(index.journalEnd()); // the first run starts at the journal's end, not with all history
      }
      started = true;
    }
    return super.offset();
  }

  @Override
  public void apply(List<FileIndex.Change> changes, long newOffset) throws Exception {
    Map<String, String> paths = paths(changes);
    for (FileIndex.Change change : changes) {
      @SuppressWarnings("unchecked")
      Map<String, Object> fields = FIELDS.convertValue(change.event(), Map.class);
      LOG.info("{} {} {}", kv("event", change.event().getClass().getSimpleName()), kv("path", paths.get(change.fileId())),
          kv("fileId", change.fileId()), kv("seq", change.sequenceNr()),
          kv("at", Instant.ofEpochMilli(change.timestamp()).toString()), kv("details", fields));
    }
    storeOffset(newOffset);
  }

  /** Each file's path: from its Discovered event in the batch, else from the file index. */
  private Map<String, String> paths(List<FileIndex.Change> changes) throws Exception {
    Map<String, String> paths = new HashMap<>();
    for (FileIndex.Change change : changes) {
      if (change.event() instanceof FileEvent.Discovered d) {
        paths.put(change.fileId(), d.path());
      } else if (change.event() instanceof FileEvent.Rediscovered d) {
        paths.put(change.fileId(), d.path());
      }
    }
    Set<String> unknown = changes.stream().map(FileIndex.Change::fileId).filter(id -> !paths.containsKey(id))
        .collect(Collectors.toSet());
    index.getAll(unknown).forEach((id, row) -> {
      if (row.state().file() != null) {
        paths.put(id, row.state().file().relativePath());
      }
    });
    return paths;
  }
}
