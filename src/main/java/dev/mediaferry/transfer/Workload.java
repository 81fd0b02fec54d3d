package dev.mediaferry.transfer;

import dev.mediaferry.file.FileInfo;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * The supervisor's books: which files this run knows, which wait for a transfer (oldest
 * first), run, wait on a retry timer, wait for their delete time, or are due for a delete.
 * A plain class so the rules are unit-tested; the supervisor holds the timers and the actors.
 */
final class Workload {
  /** The pseudo-source of files known from the index at start. */
  private static final String START = "\0start";

  /** A delete ready to run; earlyReason is set when it was brought forward. */
  record DueDelete(FileInfo file, String earlyReason) {}

  /** Files this run has seen and not forgotten, by id, per source that listed them: rescans skip them. */
  private final Map<String, Set<String>> knownBySource = new HashMap<>();
  /** The source label of files a named source (not the folder scan) listed first. */
  private final Map<String, String> sourceOf = new HashMap<>();
  private final PriorityQueue<FileInfo> queue = new PriorityQueue<>(
      Comparator.comparingLong(FileInfo::mtimeMillis).thenComparing(FileInfo::relativePath));
  private final Set<String> inFlight = new HashSet<>();
  /** Files waiting on a retry timer. */
  private final Set<String> waiting = new HashSet<>();
  /** Files waiting on their delete timer, so all can be brought forward at once. */
  private final Map<String, FileInfo> deletesScheduled = new HashMap<>();
  private final ArrayDeque<DueDelete> deletesDue = new ArrayDeque<>();
  private final Set<String> deletesInProgress = new HashSet<>();
  /** Index lookups under way: work this run has not routed yet. */
  private int lookups;

  /**
   * One source's complete list (source null: the folder scan): returns the files no source
   * knows yet, and forgets files this source listed before and lists no more (deleted, changed
   * into a new id, or no longer ready) unless there is work on them (here, or in alsoBusy:
   * files whose entity runs). Each source forgets only its own, so two sources listing
   * different sets do not make each other look files up again.
   */
  List<FileInfo> listed(String source, Collection<FileInfo> files, Set<String> alsoBusy) {
    Set<String> listed = new HashSet<>();
    List<FileInfo> fresh = new ArrayList<>();
    for (FileInfo file : files) {
      listed.add(file.fileId());
      if (!isKnown(file.fileId())) {
        fresh.add(file);
        if (source != null) {
          sourceOf.put(file.fileId(), source);
        }
      }
    }
    Set<String> mine = knownBySource.computeIfAbsent(String.valueOf(source), s -> new HashSet<>());
    mine.addAll(listed);
    for (Set<String> known : List.of(mine, knownBySource.getOrDefault(START, new HashSet<>()))) {
      known.removeIf(id -> !listed.contains(id) && !isActive(id) && !alsoBusy.contains(id));
    }
    sourceOf.keySet().removeIf(id -> !isKnown(id));
    return fresh;
  }

  /** A file known from the index at start (a pending delete), before any source lists it. */
  void know(FileInfo file) {
    knownBySource.computeIfAbsent(START, s -> new HashSet<>()).add(file.fileId());
  }

  /** The source label recorded when a named source listed the file first; null for the folder scan. */
  String sourceOf(FileInfo file) {
    return sourceOf.get(file.fileId());
  }

  private boolean isKnown(String fileId) {
    for (Set<String> known : knownBySource.values()) {
      if (known.contains(fileId)) {
        return true;
      }
    }
    return false;
  }

  void lookupStarted() {
    lookups++;
  }

  void lookupEnded() {
    lookups--;
  }

  void queue(FileInfo file) {
    queue.add(file);
  }

  void waitForRetry(FileInfo file) {
    waiting.add(file.fileId());
  }

  /** A retry timer fired: the file goes back in the queue, unless a transfer of it runs. */
  void retryDue(FileInfo file) {
    waiting.remove(file.fileId());
    if (!inFlight.contains(file.fileId())) {
      queue.add(file);
    }
  }

  void deleteScheduled(FileInfo file) {
    deletesScheduled.put(file.fileId(), file);
  }

  void deleteDue(FileInfo file, String earlyReason) {
    deletesScheduled.remove(file.fileId());
    deletesDue.add(new DueDelete(file, earlyReason));
  }

  /** Every delete waiting for its time becomes due now; returns them (their timers are the caller's to cancel). */
  List<FileInfo> allDeletesDueNow(String reason) {
    List<FileInfo> brought = new ArrayList<>(deletesScheduled.values());
    brought.forEach(file -> deleteDue(file, reason));
    return brought;
  }

  /** The next file to transfer, if a slot is free; the caller checks it fits before {@link #startTransfer}. */
  FileInfo nextTransfer(int maxConcurrent) {
    return inFlight.size() < maxConcurrent ? queue.peek() : null;
  }

  void startTransfer(FileInfo file) {
    if (queue.peek() != file) {
      throw new IllegalStateException(file.relativePath() + " is not the next file in the queue");
    }
    queue.poll();
    inFlight.add(file.fileId());
  }

  DueDelete startNextDelete(int maxConcurrent) {
    if (deletesInProgress.size() >= maxConcurrent || deletesDue.isEmpty()) {
      return null;
    }
    DueDelete due = deletesDue.poll();
    deletesInProgress.add(due.file().fileId());
    return due;
  }

  /** The file's entity came to rest; returns whether it had been transferring. */
  boolean rested(String fileId) {
    deletesInProgress.remove(fileId);
    waiting.remove(fileId);
    return inFlight.remove(fileId);
  }

  /** The file's entity stopped without a result: returns whether it was transferring, or deleting. */
  Lost lost(String fileId) {
    boolean transfer = inFlight.remove(fileId);
    boolean delete = deletesInProgress.remove(fileId);
    return new Lost(transfer, transfer || delete);
  }

  record Lost(boolean transfer, boolean any) {}

  boolean isActive(String fileId) {
    return inFlight.contains(fileId) || waiting.contains(fileId) || deletesInProgress.contains(fileId)
        || deletesDue.stream().anyMatch(d -> d.file().fileId().equals(fileId))
        || queue.stream().anyMatch(f -> f.fileId().equals(fileId));
  }

  boolean nothingInFlight() {
    return inFlight.isEmpty() && deletesInProgress.isEmpty();
  }

  /** Nothing to do now or on a timer (deletes waiting for a later time do not count). */
  boolean idle() {
    return queue.isEmpty() && onlyTheQueueLeft();
  }

  /** Everything done but the queue (files held back for want of space, or for a wrong target). */
  boolean onlyTheQueueLeft() {
    return lookups == 0 && inFlight.isEmpty() && waiting.isEmpty() && deletesDue.isEmpty()
        && deletesInProgress.isEmpty();
  }

  int queued() {
    return queue.size();
  }

  int waitingForRetry() {
    return waiting.size();
  }

  int inFlight() {
    return inFlight.size();
  }

  int deletesDue() {
    return deletesDue.size() + deletesInProgress.size();
  }

  long queuedBytes() {
    return queue.stream().mapToLong(FileInfo::size).sum();
  }

  /** The first n files of the queue in the order they will go (a copy: the queue is not touched). */
  List<FileInfo> firstQueued(int n) {
    return queue.stream().sorted(queue.comparator()).limit(n).toList();
  }
}
