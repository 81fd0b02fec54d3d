package dev.mediaferry.targets;

import dev.mediaferry.file.ErrorKind;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A target is known by a marker file at its base, {@code .mediaferry-target-<id>}, written
 * at first use and recorded in the journal database. An unmounted share (its empty mount
 * point on the edge's own disk) or another server has no such marker, so nothing is written
 * there: copies that "verify" on the wrong disk would send the originals to the trash.
 */
public final class TargetIdentity {
  public static final String MARKER_PREFIX = ".mediaferry-target-";
  private static final Logger LOG = LoggerFactory.getLogger(TargetIdentity.class);

  /** Where the identity of a target url is recorded (the journal database). */
  public interface Record {
    /** The marker id recorded for this target, or null when none is. */
    String recorded() throws IOException;

    void record(String markerId) throws IOException;

    /**
     * Whether the journal records a file delivered to a target: a daemon that wrote somewhere
     * before (from a version without markers), not a fresh install whose first files are only
     * discovered or failed.
     */
    boolean journalDeliveredFiles() throws IOException;
  }

  private TargetIdentity() {}

  public static String markerName(String id) {
    return MARKER_PREFIX + id;
  }

  public static boolean isMarker(String relativePath) {
    return relativePath.startsWith(MARKER_PREFIX) && !relativePath.contains("/");
  }

  /** The marker id found at the target's base; empty when there is none; an error when there are several. */
  public static Optional<String> find(Target target) throws TargetException {
    List<String> ids = target.list("").stream().filter(TargetIdentity::isMarker)
        .map(name -> name.substring(MARKER_PREFIX.length())).toList();
    if (ids.size() > 1) {
      throw new TargetException(ErrorKind.WRONG_TARGET, target.describe() + " holds " + ids.size()
          + " identity markers (" + String.join(", ", ids) + "); keep the one `mediaferry target init` names");
    }
    return ids.stream().findFirst();
  }

  /** Writes a new marker at the target's base and returns its id. */
  public static String write(Target target) throws TargetException {
    String id = UUID.randomUUID().toString();
    Path local = null;
    try {
      local = Files.createTempFile("mediaferry-marker", ".txt");
      Files.writeString(local, "mediaferry target marker: do not delete. Without it mediaferry writes nothing "
          + "here (it takes this folder for an unmounted share or another server).\nid=" + id + "\ncreated="
          + Instant.now() + "\nby=" + hostName() + "\n");
      target.mkdirs("");
      target.upload(local, markerName(id), Target.Progress.NONE, Target.CancelSignal.NEVER);
      return id;
    } catch (IOException e) {
      throw e instanceof TargetException t ? t
          : new TargetException(ErrorKind.TRANSIENT, "cannot write the identity marker: " + e.getMessage(), e);
    } finally {
      if (local != null) {
        local.toFile().delete();
      }
    }
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "unknown host";
    }
  }

  /** What `mediaferry target init` does: adopts the marker found, or writes one; records it. */
  public static String init(Target target, Record record) throws IOException {
    String id = find(target).orElse(null);
    if (id == null) {
      id = write(target);
    }
    record.record(id);
    return id;
  }

  /**
   * How long a sighting of the marker vouches for the operations that follow it. Looking
   * before every operation cost a small file six round trips, all behind one lock; the share
   * can vanish between a look and the operation anyway, so what keeps an unmounted share from
   * costing data is the look that is never skipped: {@link Target#checkIdentity()}, which the
   * recheck before every delete makes.
   */
  static final long SIGHTING_VALID_NANOS = 1_000_000_000L;

  /**
   * The target with every write, stat and hash made only after its marker was seen (list and
   * space are not): seen within the last {@link #SIGHTING_VALID_NANOS}, or seen now.
   */
  public static Target guard(Target target, Record record) {
    return new Guarded(target, record, System::nanoTime);
  }

  /** The same with a clock of its own, for tests. */
  static Target guard(Target target, Record record, LongSupplier nanoClock) {
    return new Guarded(target, record, nanoClock);
  }

  private static final class Guarded extends ForwardingTarget {
    private final Record record;
    private final LongSupplier nanoClock;
    private String expected;
    /** When the marker was last seen; null: not seen, or an operation failed since. */
    private Long seenAt;

    Guarded(Target real, Record record, LongSupplier nanoClock) {
      super(real);
      this.record = record;
      this.nanoClock = nanoClock;
    }

    /** Every call looks at the marker on the target now. */
    @Override
    public synchronized void checkIdentity() throws TargetException {
      seenAt = null;
      lookAtMarker();
      seenAt = nanoClock.getAsLong();
    }

    /** Before each operation: a sighting within the last second will do. */
    private synchronized void checkRecentIdentity() throws TargetException {
      if (seenAt == null || nanoClock.getAsLong() - seenAt >= SIGHTING_VALID_NANOS) {
        checkIdentity();
      }
    }

    /** A failed operation may be the share going away: the next one looks again. */
    private synchronized void forgetSighting() {
      seenAt = null;
    }

    private interface Operation<T> {
      T run() throws TargetException;
    }

    private <T> T guarded(Operation<T> operation) throws TargetException {
      checkRecentIdentity();
      try {
        return operation.run();
      } catch (TargetException | RuntimeException e) {
        forgetSighting();
        throw e;
      }
    }

    /** First use writes (or adopts) the marker; afterwards it must be there. */
    private void lookAtMarker() throws TargetException {
      if (expected == null) {
        expected = firstUse();
      }
      Optional<RemoteStat> marker = real.stat(markerName(expected));
      if (marker.isEmpty() || marker.get().kind() != RemoteStat.Kind.FILE) {
        throw new TargetException(ErrorKind.WRONG_TARGET, "the identity marker " + markerName(expected)
            + " is missing from " + real.describe() + ": the share may not be mounted, or this is another server. "
            + "Nothing is written there and transfers wait. Mount the share; if this is a new target on purpose, "
            + "stop mediaferry and run `scripts/mediaferry target init`");
      }
    }

    private String firstUse() throws TargetException {
      try {
        String recorded = record.recorded();
        if (recorded != null) {
          return recorded;
        }
        Optional<String> found = find(real);
        if (found.isEmpty() && real.list("").isEmpty() && record.journalDeliveredFiles()) {
          throw new TargetException(ErrorKind.WRONG_TARGET, real.describe() + " is empty and has no identity "
              + "marker, but the journal knows files delivered before: the share may not be mounted. If this is "
              + "a new, empty target on purpose, stop mediaferry and run `scripts/mediaferry target init`");
        }
        String id = found.isPresent() ? found.get() : write(real);
        record.record(id);
        LOG.info("target {} is known by its marker {} from now on", real.describe(), markerName(id));
        return id;
      } catch (TargetException e) {
        throw e;
      } catch (IOException e) {
        throw new TargetException(ErrorKind.TRANSIENT, "cannot read or record the target's identity: "
            + e.getMessage(), e);
      }
    }

    @Override
    public String upload(Path source, String path, Progress progress, CancelSignal cancel) throws TargetException {
      return guarded(() -> real.upload(source, path, progress, cancel));
    }

    @Override
    public Optional<HashedUpload> uploadHashed(Path source, String path, Progress progress, CancelSignal cancel)
        throws TargetException {
      return guarded(() -> real.uploadHashed(source, path, progress, cancel));
    }

    @Override
    public String sha256(String path, long size) throws TargetException {
      return guarded(() -> real.sha256(path, size));
    }

    @Override
    public Optional<String> sha256OfPrefix(String path, long length) throws TargetException {
      return guarded(() -> real.sha256OfPrefix(path, length));
    }

    @Override
    public void uploadFrom(Path source, String path, long offset, Progress progress, CancelSignal cancel)
        throws TargetException {
      guarded(() -> {
        real.uploadFrom(source, path, offset, progress, cancel);
        return null;
      });
    }

    @Override
    public Optional<RemoteStat> stat(String path) throws TargetException {
      // "missing" on the wrong disk would send the file round again, or count as free
      return guarded(() -> real.stat(path));
    }

    @Override
    public void renameNoReplace(String from, String to) throws TargetException {
      guarded(() -> {
        real.renameNoReplace(from, to);
        return null;
      });
    }

    @Override
    public void delete(String path) throws TargetException {
      if (isMarker(path)) {
        throw new TargetException(ErrorKind.PERMANENT, "refusing to delete the target's identity marker " + path);
      }
      guarded(() -> {
        real.delete(path);
        return null;
      });
    }

    @Override
    public void mkdirs(String dir) throws TargetException {
      guarded(() -> {
        real.mkdirs(dir);
        return null;
      });
    }
  }
}
