package dev.mediaferry.audit;

import dev.mediaferry.file.FileEvent;
import java.time.Instant;

/** One journaled event as audit sees it: where it sits in the journal, whose it is, when. */
public record AuditEvent(long ordering, String fileId, long sequenceNr, Instant time, FileEvent event) {

  public String type() {
    return event.getClass().getSimpleName();
  }

  @Override
  public String toString() {
    return "#" + sequenceNr + " " + type() + " at " + time + " " + event;
  }
}
