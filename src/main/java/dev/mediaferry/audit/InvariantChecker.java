package dev.mediaferry.audit;

import dev.mediaferry.file.FileEvent;
import dev.mediaferry.file.FileState;
import dev.mediaferry.file.FileState.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Replays every file's events and checks the invariants of DESIGN.md:
 * 1. no SourceDeleted without an earlier Verified whose SHA-256 the recheck found on both copies;
 * 2. no SourceDeleted before Verified + the delete delay;
 * 3. every SourceDeleted preceded by a successful DeleteRechecked;
 * 4. a remote file of different content is never overwritten;
 * 5. sequence numbers without gaps, and every event legal in the state it found.
 * Events must arrive in journal order (per file, by sequence number).
 */
public final class InvariantChecker {

  public record Violation(String fileId, String path, String invariant, String message, List<AuditEvent> events) {
    public String describe() {
      StringBuilder out = new StringBuilder("VIOLATION [" + invariant + "] file " + fileId
          + (path == null ? "" : " (" + path + ")") + ": " + message);
      events.forEach(e -> out.append("\n    ").append(e));
      return out.toString();
    }
  }

  private static final Map<Class<?>, Set<Status>> ALLOWED_FROM = Map.ofEntries(
      Map.entry(FileEvent.Discovered.class, EnumSet.of(Status.NEW)),
      Map.entry(FileEvent.Rediscovered.class, EnumSet.of(Status.DELETED, Status.SUPERSEDED, Status.PURGED)),
      Map.entry(FileEvent.TransferStarted.class, EnumSet.of(Status.DISCOVERED, Status.TRANSFERRING)),
      Map.entry(FileEvent.TransferFailed.class, EnumSet.of(Status.TRANSFERRING)),
      Map.entry(FileEvent.Verified.class, EnumSet.of(Status.TRANSFERRING)),
      Map.entry(FileEvent.TransferResumed.class, EnumSet.of(Status.TRANSFERRING)),
      // from PENDING_DELETE: a due time computed under an unset wall clock, computed again
      Map.entry(FileEvent.DeleteScheduled.class, EnumSet.of(Status.VERIFIED, Status.PENDING_DELETE)),
      Map.entry(FileEvent.DeleteAdvanced.class, EnumSet.of(Status.PENDING_DELETE)),
      Map.entry(FileEvent.DeleteRechecked.class, EnumSet.of(Status.PENDING_DELETE)),
      Map.entry(FileEvent.MovingToTrash.class, EnumSet.of(Status.PENDING_DELETE)),
      Map.entry(FileEvent.SourceDeleted.class, EnumSet.of(Status.PENDING_DELETE)),
      Map.entry(FileEvent.Released.class, EnumSet.of(Status.QUARANTINED, Status.SUPERSEDED)),
      // NEW: a file the journal never knew, removed by retention with scope = all
      Map.entry(FileEvent.RemoteCopyPurged.class, EnumSet.of(Status.DELETED, Status.NEW)));

  /** What is remembered of one file while its events stream by. */
  private static final class FileCheck {
    FileState state = FileState.EMPTY;
    long nextSeq = 1;
    AuditEvent verified;
    AuditEvent recheck;
    AuditEvent advanced;
  }

  private record Owner(String sha256, String fileId, AuditEvent verified) {}

  private final Duration deleteDelay;
  private final Map<String, FileCheck> files = new HashMap<>();
  private final Map<String, Owner> remoteOwners = new HashMap<>();
  private final List<Violation> violations = new ArrayList<>();

  public InvariantChecker(Duration deleteDelay) {
    this.deleteDelay = deleteDelay;
  }

  public void accept(AuditEvent e) {
    FileCheck file = files.computeIfAbsent(e.fileId(), id -> new FileCheck());
    if (e.sequenceNr() != file.nextSeq) {
      flag(e, file, "5: sequence gap", "expected sequence number " + file.nextSeq + ", found " + e.sequenceNr()
          + " (events are missing from the journal)", List.of(e));
    }
    file.nextSeq = e.sequenceNr() + 1;
    Set<Status> allowed = ALLOWED_FROM.get(e.event().getClass());
    if (!allowed.contains(file.state.status())) {
      flag(e, file, "5: illegal transition", e.type() + " while the file was " + file.state.status(), List.of(e));
    }
    if (e.event() instanceof FileEvent.Rediscovered) {
      file.verified = null; // a new generation: its delete needs its own verify and recheck
      file.recheck = null;
      file.advanced = null;
    } else if (e.event() instanceof FileEvent.Verified v) {
      file.verified = e;
      file.recheck = null;
      file.advanced = null;
      checkOverwrite(e, file, v);
    } else if (e.event() instanceof FileEvent.DeleteAdvanced) {
      file.advanced = e; // journaled with its reason: the delay is knowingly cut short
    } else if (e.event() instanceof FileEvent.DeleteRechecked) {
      file.recheck = e;
    } else if (e.event() instanceof FileEvent.SourceDeleted) {
      checkDelete(e, file);
    } else if (e.event() instanceof FileEvent.RemoteCopyPurged p) {
      remoteOwners.remove(p.remotePath()); // retention freed the path; a new file may land there
    }
    file.state = file.state.apply(e.event());
  }

  private void checkOverwrite(AuditEvent e, FileCheck file, FileEvent.Verified v) {
    Owner before = remoteOwners.put(v.remotePath(), new Owner(v.sha256(), e.fileId(), e));
    if (before != null && !before.sha256().equals(v.sha256())) {
      flag(e, file, "4: overwrite", "remote " + v.remotePath() + " held sha256 " + before.sha256() + " (file "
          + before.fileId() + ") and was then verified with sha256 " + v.sha256(), List.of(before.verified(), e));
    }
  }

  private void checkDelete(AuditEvent e, FileCheck file) {
    if (file.verified == null) {
      flag(e, file, "1: delete without verify", "the source was deleted but no Verified event precedes it",
          List.of(e));
      return;
    }
    FileEvent.Verified v = (FileEvent.Verified) file.verified.event();
    FileEvent.DeleteRechecked r = file.recheck == null ? null : (FileEvent.DeleteRechecked) file.recheck.event();
    if (r == null || !r.ok()) {
      flag(e, file, "3: delete without recheck", "no successful DeleteRechecked after the last Verified",
          file.recheck == null ? List.of(file.verified, e) : List.of(file.verified, file.recheck, e));
    } else if (!v.sha256().equals(r.remoteSha256())) {
      flag(e, file, "1: hash mismatch", "verified sha256 " + v.sha256() + " but the recheck found "
          + r.remoteSha256(), List.of(file.verified, file.recheck, e));
    }
    Duration waited = Duration.between(file.verified.time(), e.time());
    if (waited.compareTo(deleteDelay) < 0 && file.advanced == null) {
      flag(e, file, "2: delete before delay", "deleted " + waited.toSeconds() + " s after verification; "
          + "mediaferry.delete.delay is " + deleteDelay.toSeconds() + " s", List.of(file.verified, e));
    }
  }

  private void flag(AuditEvent e, FileCheck file, String invariant, String message, List<AuditEvent> events) {
    String path = file.state.file() == null ? null : file.state.file().relativePath();
    violations.add(new Violation(e.fileId(), path, invariant, message, events));
  }

  public int filesChecked() {
    return files.size();
  }

  public List<Violation> violations() {
    return violations;
  }

  /** Current state of every file replayed so far, in no particular order. */
  public Map<String, FileState> states() {
    Map<String, FileState> states = new LinkedHashMap<>();
    files.forEach((id, check) -> states.put(id, check.state));
    return states;
  }
}
