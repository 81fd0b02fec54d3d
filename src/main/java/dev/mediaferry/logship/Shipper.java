package dev.mediaferry.logship;

import dev.mediaferry.config.Settings;
import dev.mediaferry.observe.LogshipFigures;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log shipper's work, blocking and single-threaded: read the new complete lines of every
 * followed file, extract and deduplicate their items into batches, journal each batch before
 * it is sent, send the journaled batches oldest first, and mark each acknowledged after a 2xx.
 *
 * <p>Memory stays bounded whatever the file size: lines are read in 64 KiB chunks, a batch holds
 * at most batch.max-items items, and reading pauses while queue.max-items items wait to be sent.
 * A trailing line without its newline is never consumed: the next read starts before it. Lines
 * read into a batch not yet journaled are read again after a crash (their offset is not saved).
 */
public final class Shipper implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Shipper.class);
  /** The first bytes that identify a file beside its inode (a rewritten file differs in them). */
  static final int FINGERPRINT_BYTES = 1024;
  /** A line longer than this is taken in pieces of this size (memory stays bounded). */
  static final int MAX_LINE = 1 << 20;
  private static final int CHUNK = 64 << 10;
  /** Batches sent per cycle at most, so that reading goes on beside a long backlog. */
  private static final int SENDS_PER_CYCLE = 200;
  /**
   * Batches on their way at once: one request at a time made the shipper wait on the network
   * (21,000 lines/s against a local sink). Order does not matter to delivery: each batch is
   * acknowledged on its own, and a restart resends every one not acknowledged.
   */
  static final int PARALLEL_UPLOADS = 4;

  /** The running totals (kept in the journal across restarts). */
  public enum Total { LINES_READ, ITEMS_FOUND, DUPLICATES_DAY, DUPLICATES_GLOBAL, NEW_ITEMS, UPLOADED_ITEMS,
    UPLOADED_BATCHES, FAILED_ATTEMPTS }

  /**
   * What one cycle did; uploaded: whether it was allowed to upload (one waiting for its retry
   * only reads, and says nothing about the endpoint); failure null when every batch it tried
   * was taken; caughtUp when its read reached the end of every file (false: paused by a full queue).
   */
  public record Cycle(long linesRead, boolean caughtUp, boolean uploaded, long batchesSent,
      BatchSender.Answer failure, boolean queueFull, Figures figures) {

    /** Nothing new was read and nothing was left to read. */
    public boolean readAll() {
      return caughtUp && linesRead == 0;
    }
  }

  /** The figures of status and metrics. */
  public record Figures(Map<Total, Long> totals, long queuedItems, long queuedBatches, long followedFiles,
      Instant lastUpload) {

    public LogshipFigures observed() {
      return new LogshipFigures(totals.get(Total.LINES_READ), totals.get(Total.ITEMS_FOUND),
          totals.get(Total.DUPLICATES_DAY), totals.get(Total.DUPLICATES_GLOBAL),
          totals.get(Total.NEW_ITEMS), totals.get(Total.UPLOADED_ITEMS),
          totals.get(Total.UPLOADED_BATCHES), totals.get(Total.FAILED_ATTEMPTS), queuedItems,
          queuedBatches, lastUpload == null ? 0 : lastUpload.toEpochMilli());
    }
  }

  private final Settings.Logship settings;
  private final ShipStore store;
  private final LogFiles files;
  private final Extractor extractor;
  private final BatchSender sender;
  private final Clock clock;
  private final Map<Long, Tail> tails = new LinkedHashMap<>();
  private long queuedItems;
  /** Items in open batches (read, not yet journaled). */
  private long openItems;
  private Instant lastUpload;
  private LocalDate expiredThrough;

  /** A followed file as this run reads it: its journaled record, how far it is read, its open batch. */
  private static final class Tail {
    ShipStore.Followed record;
    long position;
    OpenBatch open;

    Tail(ShipStore.Followed record) {
      this.record = record;
      this.position = record.readOffset();
    }
  }

  /** Items of lines read but not yet journaled: lost in a crash, and then read again. */
  private static final class OpenBatch {
    final LocalDate day;
    final long from;
    final Instant opened;
    final Collection<String> items;
    long to;
    final Map<Total, Long> totals = new EnumMap<>(Total.class);

    OpenBatch(LocalDate day, long from, Instant opened, boolean keepRepeats) {
      this.day = day;
      this.from = from;
      this.to = from;
      this.opened = opened;
      this.items = keepRepeats ? new ArrayList<>() : new LinkedHashSet<>();
    }

    void count(Total total) {
      totals.merge(total, 1L, Long::sum);
    }
  }

  Shipper(Settings.Logship settings, ShipStore store, BatchSender sender, Clock clock) throws SQLException {
    this.settings = settings;
    this.store = store;
    this.files = new LogFiles(settings.dir(), settings.pattern());
    this.extractor = Extractor.of(settings.extract());
    this.sender = sender;
    this.clock = clock;
    for (ShipStore.Followed f : store.followed()) {
      tails.put(f.id(), new Tail(f));
    }
    this.queuedItems = store.queuedItems();
  }

  /** Opens the journal in stateDir; the API key is read at each upload (a fixed key file is picked up). */
  public static Shipper open(Settings.Logship settings, Path stateDir, Clock clock) throws IOException {
    if (!Files.isDirectory(settings.dir())) {
      LOG.warn("log shipper: the folder {} does not exist (yet); nothing is read until it does (check "
          + "mediaferry.logship.dir)", settings.dir());
    }
    ShipStore store = ShipStore.open(stateDir);
    try {
      return new Shipper(settings, store, BatchSender.of(settings), clock);
    } catch (IllegalArgumentException bad) {
      closeQuietly(store);
      throw new Settings.Invalid(bad.getMessage()); // extract or endpoint: the message names the key
    } catch (SQLException | RuntimeException e) {
      closeQuietly(store);
      throw new IOException("cannot read the log shipper's journal " + store.file() + ": " + e.getMessage(), e);
    }
  }

  /**
   * One round: read what is new (journaling full batches, and open ones older than
   * batch.max-age, or all of them when flush), then, when upload, send journaled batches.
   */
  public Cycle cycle(boolean upload, boolean flush) throws IOException, SQLException, InterruptedException {
    expireOncePerDay();
    Read read;
    try {
      // one transaction for the whole read: each lookup and batch inside it costs no lock or commit of its own,
      // and it commits before any upload
      read = store.inTransaction(() -> read(flush));
    } catch (IOException | SQLException | RuntimeException e) {
      resync(); // what was read in the rolled-back transaction is read again
      throw e;
    }
    long lines = read.lines();
    boolean caughtUp = read.caughtUp();
    long sent = 0;
    BatchSender.Answer failure = null;
    if (upload) {
      List<ShipStore.Batch> pending = store.unacknowledged(SENDS_PER_CYCLE);
      for (int i = 0; i < pending.size() && failure == null; i += PARALLEL_UPLOADS) {
        List<ShipStore.Batch> window = pending.subList(i, Math.min(i + PARALLEL_UPLOADS, pending.size()));
        failure = send(window);
        sent += window.size();
      }
    }
    return new Cycle(lines, caughtUp, upload, sent, failure, queueFull(), figures());
  }

  /** Reaches the endpoint with the key: an empty batch with the id mediaferry-check. */
  public static BatchSender.Answer probe(Settings.Logship settings) throws InterruptedException {
    return BatchSender.of(settings).probe();
  }

  /** The journal read for status, beside a running shipper; null when there is none yet. */
  public static Reader reader(Path stateDir) throws IOException {
    return Files.exists(stateDir.resolve(ShipStore.FILE_NAME)) ? new Reader(ShipStore.open(stateDir)) : null;
  }

  /** Figures from the journal, without following any file. */
  public static final class Reader implements AutoCloseable {
    private final ShipStore store;

    private Reader(ShipStore store) {
      this.store = store;
    }

    public Figures figures() throws SQLException {
      return new Figures(store.totals(), store.queuedItems(), store.unacknowledgedBatches(), store.followed().size(),
          null);
    }

    public long distinctItems() throws SQLException {
      return store.distinctItems();
    }

    @Override
    public void close() {
      closeQuietly(store);
    }
  }

  public boolean idle() throws SQLException {
    return store.unacknowledgedBatches() == 0 && tails.values().stream().allMatch(t -> t.open == null);
  }

  public Figures figures() throws SQLException {
    return new Figures(store.totals(), queuedItems, store.unacknowledgedBatches(), tails.size(), lastUpload);
  }

  public long distinctItems() throws SQLException {
    return store.distinctItems();
  }

  public Path journalFile() {
    return store.file();
  }

  // --- sending ---

  /** Sends the batches at once; acknowledges each one taken; returns the first failure, or null. */
  private BatchSender.Answer send(List<ShipStore.Batch> batches) throws SQLException, InterruptedException {
    List<ShipStore.Batch> withItems = batches.stream().filter(b -> !b.items().isEmpty()).toList();
    Iterator<BatchSender.Answer> answers = sender.sendAll(withItems).iterator(); // in the order of withItems
    BatchSender.Answer failure = null;
    List<ShipStore.Batch> taken = new ArrayList<>();
    for (ShipStore.Batch batch : batches) {
      BatchSender.Answer answer = batch.items().isEmpty() ? null : answers.next();
      if (answer == null || answer instanceof BatchSender.Accepted) {
        taken.add(batch); // an empty batch: lines with nothing new, their offset is done
        lastUpload = answer == null ? lastUpload : clock.instant();
      } else {
        store.failedAttempt(batch);
        failure = failure == null ? answer : failure;
      }
    }
    store.acknowledged(taken, clock.millis());
    for (ShipStore.Batch batch : taken) {
      queuedItems = Math.max(0, queuedItems - batch.items().size());
    }
    return failure;
  }

  // --- reading ---

  /** Checked after every line: kept as two counters, not summed over the open batches each time. */
  private boolean queueFull() {
    return queuedItems + openItems >= settings.queueMaxItems();
  }

  private record Read(long lines, boolean caughtUp) {}

  private Read read(boolean flush) throws IOException, SQLException {
    boolean caughtUp = true;
    long lines = 0;
    for (Tail tail : tailsAfterListing()) {
      if (queueFull()) {
        caughtUp = false;
        break;
      }
      lines += readTail(tail);
      caughtUp &= !queueFull();
    }
    journalDue(flush);
    return new Read(lines, caughtUp);
  }

  /** The files, offsets and queue as journaled: after a failed transaction, memory must not be ahead of it. */
  private void resync() {
    try {
      tails.clear();
      openItems = 0; // the open batches went with the tails
      for (ShipStore.Followed f : store.followed()) {
        tails.put(f.id(), new Tail(f));
      }
      queuedItems = store.queuedItems();
    } catch (SQLException e) {
      LOG.warn("log shipper: cannot re-read its journal {} ({}); tried again at the next cycle", store.file(),
          e.toString());
    }
  }

  private List<Tail> tailsAfterListing() throws IOException, SQLException {
    List<LogFiles.Listed> listing = files.list();
    Set<String> listedKeys = new HashSet<>();
    listing.forEach(l -> listedKeys.add(l.fileKey()));
    for (LogFiles.Listed listed : listing) {
      reconcile(listed, listedKeys);
    }
    return List.copyOf(tails.values());
  }

  /** Open batches older than batch.max-age (or all, with flush) are journaled. */
  private void journalDue(boolean flush) throws SQLException {
    Instant now = clock.instant();
    for (Tail tail : tails.values()) {
      if (tail.open != null && (flush || !now.isBefore(tail.open.opened.plus(settings.batchMaxAge())))) {
        journal(tail);
      }
    }
  }

  /** Matches a listed file to the file it was (by inode, else by its first bytes), or follows it as new. */
  private void reconcile(LogFiles.Listed listed, Set<String> listedKeys) throws IOException, SQLException {
    Tail known = tails.values().stream().filter(t -> t.record.fileKey().equals(listed.fileKey())).findFirst()
        .orElse(null);
    if (known != null) {
      if (listed.size() < known.position || !sameStart(known.record, listed.path())) {
        restart(known, listed);
        return;
      }
      if (!known.record.path().equals(listed.path())) {
        LOG.info("log {} is now {} (renamed): followed on from byte {}", known.record.path(), listed.path(),
            known.position);
      }
      lengthen(known, listed);
      return;
    }
    if (listed.size() == 0) {
      return; // nothing to identify it by yet
    }
    Optional<Tail> moved = movedHere(listed, listedKeys);
    if (moved.isPresent()) {
      LOG.info("log {} is {} copied to a new inode: followed on from byte {}", listed.path(),
          moved.get().record.path(), moved.get().position);
      moved.get().record = moved.get().record.at(listed.path(), listed.fileKey());
      store.update(moved.get().record);
      return;
    }
    follow(listed);
    LOG.info("log {}: followed from its start", listed.path());
  }

  /** A file read from its start: fingerprinted over its first bytes and journaled as followed. */
  private void follow(LogFiles.Listed listed) throws IOException, SQLException {
    int length = (int) Math.min(FINGERPRINT_BYTES, listed.size());
    ShipStore.Followed f = store.follow(listed.path(), listed.fileKey(), fingerprint(listed.path(), length), length);
    tails.put(f.id(), new Tail(f));
  }

  /** Shorter than what was read, or other first bytes: truncated or rewritten; read it again as a new file. */
  private void restart(Tail known, LogFiles.Listed listed) throws IOException, SQLException {
    LOG.warn("log {} was truncated or rewritten (now {} bytes, {} read before): read again from its start",
        listed.path(), listed.size(), known.position);
    if (known.open != null) {
      journal(known); // lines read whole before the truncation are kept
    }
    store.retire(known.record.id(), clock.millis());
    tails.remove(known.record.id());
    if (listed.size() > 0) {
      follow(listed);
    }
  }

  /** A file first seen short gets a longer fingerprint once it has grown (its start checked first). */
  private void lengthen(Tail known, LogFiles.Listed listed) throws IOException, SQLException {
    boolean renamed = !known.record.path().equals(listed.path());
    int length = (int) Math.min(FINGERPRINT_BYTES, listed.size());
    if (renamed || length > known.record.fingerprintLength()) {
      known.record = known.record.at(listed.path(), known.record.fileKey());
      if (length > known.record.fingerprintLength()) {
        known.record = known.record.withFingerprint(fingerprint(listed.path(), length), length);
      }
      store.update(known.record);
    }
  }

  /** A followed file whose inode is gone and whose first bytes this new inode has: the same log, copied. */
  private Optional<Tail> movedHere(LogFiles.Listed listed, Set<String> listedKeys) throws IOException {
    for (Tail tail : tails.values()) {
      if (!listedKeys.contains(tail.record.fileKey()) && listed.size() >= tail.position
          && sameStart(tail.record, listed.path())) {
        return Optional.of(tail);
      }
    }
    return Optional.empty();
  }

  private static boolean sameStart(ShipStore.Followed record, Path path) throws IOException {
    try {
      return record.fingerprint().equals(fingerprint(path, record.fingerprintLength()));
    } catch (NoSuchFileException gone) {
      return false;
    }
  }

  /** SHA-256 of the first length bytes (fewer when the file is shorter: then it cannot match). */
  static String fingerprint(Path path, int length) throws IOException {
    try (InputStream in = Files.newInputStream(path)) {
      byte[] start = in.readNBytes(length);
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      return start.length < length ? "short:" + start.length : HexFormat.of().formatHex(sha.digest(start));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /** Reads the tail's complete lines from its position; returns how many. */
  private long readTail(Tail tail) throws IOException, SQLException {
    FileChannel channel;
    try {
      channel = FileChannel.open(tail.record.path(), StandardOpenOption.READ);
    } catch (NoSuchFileException gone) {
      return 0; // rotated away or removed: what was journaled is still delivered
    }
    long lines = 0;
    try (channel) {
      ByteBuffer chunk = ByteBuffer.allocate(CHUNK);
      LineBuffer line = new LineBuffer();
      long offset = tail.position; // where the bytes in line start
      long at = tail.position;
      while (!queueFull()) {
        chunk.clear();
        int n = channel.read(chunk, at);
        if (n <= 0) {
          break;
        }
        byte[] bytes = chunk.array();
        for (int i = 0; i < n; i++) {
          if (bytes[i] == '\n' || line.length() == MAX_LINE) {
            long end = at + i + (bytes[i] == '\n' ? 1 : 0);
            take(tail, line.text(), end);
            lines++;
            line.reset();
            offset = end;
            if (bytes[i] != '\n') {
              line.append(bytes[i]);
            }
            if (queueFull()) {
              tail.position = offset; // reading pauses here until batches are acknowledged
              return lines;
            }
          } else {
            line.append(bytes[i]);
          }
        }
        at += n;
      }
      tail.position = offset;
    }
    return lines;
  }

  /** One complete line ending at end: its items go into the open batch (journaled when full). */
  private void take(Tail tail, String line, long end) throws SQLException {
    LocalDate day = dayOf(tail);
    if (tail.open != null && !tail.open.day.equals(day)) {
      journal(tail);
    }
    if (tail.open == null) {
      tail.open = new OpenBatch(day, tail.record.readOffset(), clock.instant(),
          settings.dedup() == Settings.DedupMode.NONE);
    }
    OpenBatch open = tail.open;
    open.count(Total.LINES_READ);
    List<String> found = new ArrayList<>(2);
    extractor.extract(line, found);
    for (String item : found) {
      open.count(Total.ITEMS_FOUND);
      addDeduplicated(open, item);
    }
    open.to = end;
    if (open.items.size() >= settings.batchMaxItems()) {
      journal(tail);
    }
  }

  private void addDeduplicated(OpenBatch open, String item) throws SQLException {
    if (settings.dedup() == Settings.DedupMode.NONE) {
      if (open.items.add(item)) {
        openItems++;
      }
      return;
    }
    if (open.items.contains(item)) {
      open.count(Total.DUPLICATES_DAY);
      return;
    }
    OpenBatch other = otherOpenBatchWith(open, item);
    if (other != null) {
      open.count(other.day.equals(open.day) ? Total.DUPLICATES_DAY : Total.DUPLICATES_GLOBAL);
      return;
    }
    List<String> days = store.seenOn(item);
    if (days.contains(open.day.toString())) {
      open.count(Total.DUPLICATES_DAY);
    } else if (settings.dedup() == Settings.DedupMode.GLOBAL && !days.isEmpty()) {
      open.count(Total.DUPLICATES_GLOBAL);
    } else {
      if (open.items.add(item)) {
        openItems++;
      }
      if (days.isEmpty()) {
        open.count(Total.NEW_ITEMS);
      }
    }
  }

  /**
   * Another followed file's open batch that holds the item (two files growing at once): of the
   * same day, or of any day in global mode. Its seen-mark is not journaled yet.
   */
  private OpenBatch otherOpenBatchWith(OpenBatch open, String item) {
    for (Tail t : tails.values()) {
      if (t.open != null && t.open != open && t.open.items.contains(item)
          && (t.open.day.equals(open.day) || settings.dedup() == Settings.DedupMode.GLOBAL)) {
        return t.open;
      }
    }
    return null;
  }

  private LocalDate dayOf(Tail tail) {
    LocalDate named = LogFiles.dayOf(tail.record.path());
    return named != null ? named : LocalDate.now(clock);
  }

  /** The open batch becomes a journaled one: its items marked seen, the file's read offset moved to its end. */
  private void journal(Tail tail) throws SQLException {
    OpenBatch open = tail.open;
    tail.open = null;
    openItems -= open.items.size();
    List<ShipStore.Batch> journaled = store.journal(List.of(new ShipStore.NewBatch(tail.record, open.day, open.from,
        open.to, open.items, open.totals)), clock.millis());
    tail.record = tail.record.readTo(open.to);
    queuedItems += journaled.get(0).items().size();
  }

  private void expireOncePerDay() throws SQLException {
    LocalDate today = LocalDate.now(clock);
    if (today.equals(expiredThrough)) {
      return;
    }
    LocalDate before = today.minusDays(settings.expireDays());
    int forgotten = store.expire(before, clock.millis() - Duration.ofDays(settings.expireDays()).toMillis());
    if (forgotten > 0) {
      LOG.info("log shipper: forgot {} items last sent before {} (dedup.expire-days = {})", forgotten, before,
          settings.expireDays());
    }
    expiredThrough = today;
  }

  private static void closeQuietly(ShipStore store) {
    try {
      store.close();
    } catch (SQLException e) {
      LOG.debug("closing {}", store.file(), e);
    }
  }

  @Override
  public void close() {
    closeQuietly(store);
  }

  /** The bytes of one line, growing as needed up to MAX_LINE. */
  private static final class LineBuffer {
    private byte[] bytes = new byte[256];
    private int length;

    void append(byte b) {
      if (length == bytes.length) {
        bytes = java.util.Arrays.copyOf(bytes, Math.min(MAX_LINE, bytes.length * 2));
      }
      bytes[length++] = b;
    }

    int length() {
      return length;
    }

    void reset() {
      length = 0;
      if (bytes.length > 64 << 10) {
        bytes = new byte[256]; // one long line does not keep a large buffer
      }
    }

    String text() {
      int end = length > 0 && bytes[length - 1] == '\r' ? length - 1 : length;
      return new String(bytes, 0, end, StandardCharsets.UTF_8);
    }
  }
}
