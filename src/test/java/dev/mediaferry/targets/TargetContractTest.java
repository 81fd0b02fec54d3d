package dev.mediaferry.targets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mediaferry.deletion.DeleteRecheck;
import dev.mediaferry.file.ErrorKind;
import dev.mediaferry.file.LocalIdentity;
import dev.mediaferry.file.RecheckOutcome;
import dev.mediaferry.testing.TestFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every Target must do (rclone's fstests idea): each implementation's test extends
 * this and says how to open the target on a fresh folder. The folder is local in all
 * tests (the SSH servers run here), so the test can look at what was really stored.
 */
abstract class TargetContractTest {
  static final List<String> HOSTILE = List.of("with space.mp4", "quote'single.jpg", "dq\"uote.jpg",
      "ünïcødé 航拍.mp4", "$(touch pwned).mp4", "-leading-dash.mp4", "--rf", "new\nline.jpg", "semi;colon.jpg",
      "back`tick`.jpg", "star*.jpg", "; touch pwned2 #.jpg");

  @TempDir Path work;
  Path base;
  Target target;

  /** Opens the implementation on base (a folder that exists and is empty). */
  abstract Target open(Path base) throws Exception;

  /** Whether the target hashes an upload of this file as it writes it (the one-pass path; needs a NAS shell). */
  boolean hashesAsItWrites(Path src) throws IOException {
    return false;
  }

  /** Whether a cut upload continues from its temp file (needs hashing on the target's side); most can. */
  boolean resumes() {
    return true;
  }

  /** Whether this target can report free space (an optional capability); most can. */
  boolean reportsFreeSpace() {
    return true;
  }

  @BeforeEach
  void openTarget() throws Exception {
    base = Files.createDirectories(work.resolve("nas"));
    target = open(base);
  }

  @AfterEach
  void closeTarget() {
    target.close();
  }

  private Path source(String name, long size) {
    return TestFiles.write(work.resolve("src").resolve(name), size, size);
  }

  @Test
  void uploadReturnsTheSha256OfWhatWasSentAndStoresIt() throws Exception {
    Path src = source("a.bin", 3_000_001);
    target.mkdirs("2025/03/04");
    AtomicLong progress = new AtomicLong();

    String sha = target.upload(src, "2025/03/04/a.bin", progress::set, Target.CancelSignal.NEVER);

    assertEquals(TestFiles.sha256(src), sha);
    assertEquals(sha, target.sha256("2025/03/04/a.bin"));
    assertEquals(sha, target.sha256("2025/03/04/a.bin", Files.size(src))); // the small-file way, same answer
    assertEquals(sha, TestFiles.sha256(base.resolve("2025/03/04/a.bin")));
    assertEquals(3_000_001, target.stat("2025/03/04/a.bin").orElseThrow().size());
    assertEquals(3_000_001, progress.get());
  }

  @Test
  void emptyFileRoundTrips() throws Exception {
    Path src = source("empty", 0);
    String sha = target.upload(src, "empty", Target.Progress.NONE, Target.CancelSignal.NEVER);
    assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", sha);
    assertEquals(sha, target.sha256("empty"));
  }

  @Test
  void uploadNeverOverwritesAnExistingFile() throws Exception {
    Path first = source("one", 100);
    target.upload(first, "x", Target.Progress.NONE, Target.CancelSignal.NEVER);

    assertThrows(TargetException.class,
        () -> target.upload(source("two", 200), "x", Target.Progress.NONE, Target.CancelSignal.NEVER));
    assertEquals(TestFiles.sha256(first), TestFiles.sha256(base.resolve("x")));
  }

  @Test
  void renameNoReplaceMovesAndRefusesAnExistingDestination() throws Exception {
    target.upload(source("a", 10), "a", Target.Progress.NONE, Target.CancelSignal.NEVER);
    target.upload(source("b", 20), "b", Target.Progress.NONE, Target.CancelSignal.NEVER);
    target.upload(source("c", 30), "c", Target.Progress.NONE, Target.CancelSignal.NEVER);

    target.renameNoReplace("a", "moved");
    assertThrows(TargetException.DestinationExists.class, () -> target.renameNoReplace("b", "c"));

    assertEquals(Optional.empty(), target.stat("a"));
    assertEquals(10, target.stat("moved").orElseThrow().size());
    assertEquals(20, target.stat("b").orElseThrow().size());
    assertEquals(30, target.stat("c").orElseThrow().size());
  }

  @Test
  void deleteMkdirsListAndStatFollowTheirContracts() throws Exception {
    target.mkdirs("d/e/f");
    target.mkdirs("d/e/f"); // no error when it exists
    target.upload(source("g", 1), "d/e/f/g", Target.Progress.NONE, Target.CancelSignal.NEVER);

    assertEquals(List.of("g"), target.list("d/e/f"));
    assertEquals(List.of(), target.list("no/such/dir"));
    assertTrue(target.stat("d/e").orElseThrow().directory());
    target.delete("d/e/f/g");
    target.delete("d/e/f/g"); // no error when it is gone
    assertEquals(Optional.empty(), target.stat("d/e/f/g"));
  }

  @Test
  void freeSpaceIsReportedWhereTheTargetCanTellAndEmptyWhereItCannot() throws Exception {
    target.mkdirs("d");

    Optional<Space> space = target.space("d");

    assertEquals(reportsFreeSpace(), space.isPresent(), String.valueOf(space));
    space.ifPresent(s -> assertTrue(s.freeBytes() > 0 && s.totalBytes() >= s.freeBytes(), s.toString()));
  }

  // The safe copy (SafeCopy, written once against Target) on this target: verify, rename,
  // never overwrite, discard what does not verify.

  private SafeCopy.Request copyRequest(Path source, String finalPath) throws Exception {
    LocalIdentity identity = LocalIdentity.of(source);
    return new SafeCopy.Request(source, identity.size(), identity.mtimeMillis(), String.valueOf(identity.fileKey()),
        finalPath, RemoteLayout.tempPath(finalPath, "f1"));
  }

  private SafeCopy.Result safeCopy(Target to, SafeCopy.Request request) throws TargetException {
    return new SafeCopy(to).copy(request, Target.Progress.NONE, Target.CancelSignal.NEVER);
  }

  @Test
  void safeCopyVerifiesRenamesAndLeavesNoTemp() throws Exception {
    Path src = source("photo.jpg", 300_000);

    SafeCopy.Result result = safeCopy(target, copyRequest(src, "2025/03/04/photo.jpg"));

    assertEquals("2025/03/04/photo.jpg", result.remotePath());
    assertEquals(TestFiles.sha256(src), result.sha256());
    assertEquals(300_000, result.bytesSent());
    assertEquals(TestFiles.sha256(src), TestFiles.sha256(base.resolve("2025/03/04/photo.jpg")));
    assertEquals(List.of("photo.jpg"), target.list("2025/03/04"), "no temp left");
  }

  @Test
  void safeCopyCountsTheSameContentAlreadyThereAsDoneWithoutSending() throws Exception {
    Path src = source("same.jpg", 5000);
    target.mkdirs("d");
    target.upload(src, "d/same.jpg", Target.Progress.NONE, Target.CancelSignal.NEVER);

    SafeCopy.Result result = safeCopy(target, copyRequest(src, "d/same.jpg"));

    assertEquals("d/same.jpg", result.remotePath());
    assertEquals(0, result.bytesSent());
    assertEquals(List.of("same.jpg"), target.list("d"));
  }

  @Test
  void safeCopyKeepsOtherContentUnderTheNameAndTakesASuffixedOne() throws Exception {
    Path src = source("clash.jpg", 5000);
    Path other = TestFiles.write(work.resolve("other.jpg"), 5000, 99); // same size, other bytes
    target.mkdirs("d");
    target.upload(other, "d/clash.jpg", Target.Progress.NONE, Target.CancelSignal.NEVER);

    SafeCopy.Result result = safeCopy(target, copyRequest(src, "d/clash.jpg"));

    assertEquals("d/clash~1.jpg", result.remotePath());
    assertEquals(TestFiles.sha256(other), TestFiles.sha256(base.resolve("d/clash.jpg")), "never overwritten");
    assertEquals(TestFiles.sha256(src), TestFiles.sha256(base.resolve("d/clash~1.jpg")));
  }

  @Test
  void safeCopyDiscardsACopyCorruptedOnTheTarget() throws Exception {
    Path src = source("flip.jpg", 200_000);
    Target corrupting = damagingAfterUpload(TargetContractTest::flipOneByte); // a bad disk, a broken NAS cache

    TargetException failed = assertThrows(TargetException.class,
        () -> safeCopy(corrupting, copyRequest(src, "d/flip.jpg")));

    assertEquals(ErrorKind.CORRUPT, failed.kind(), failed.getMessage());
    assertTrue(failed.getMessage().contains("hash mismatch"), failed.getMessage());
    assertEquals(List.of(), target.list("d"), "neither the temp nor the final name remains");
  }

  @Test
  void safeCopyDiscardsACopyStoredShort() throws Exception {
    Path src = source("short.jpg", 200_000);
    Target truncating = damagingAfterUpload(file -> truncate(file, 100_000));

    TargetException failed = assertThrows(TargetException.class,
        () -> safeCopy(truncating, copyRequest(src, "d/short.jpg")));

    assertEquals(ErrorKind.CORRUPT, failed.kind(), failed.getMessage());
    assertTrue(failed.getMessage().contains("size mismatch"), failed.getMessage());
    assertEquals(List.of(), target.list("d"));
  }

  // The one-pass upload: the target hashes the bytes as it writes them.

  @Test
  void aHashedUploadStoresTheFileAndAnswersItsHashAndSize() throws Exception {
    Path src = source("video.mp4", 3_000_001);
    target.mkdirs("d");
    AtomicLong progress = new AtomicLong();

    Optional<Target.HashedUpload> upload = target.uploadHashed(src, "d/video.mp4", progress::set,
        Target.CancelSignal.NEVER);

    assertEquals(hashesAsItWrites(src), upload.isPresent());
    if (upload.isPresent()) {
      assertEquals(new Target.HashedUpload(TestFiles.sha256(src), TestFiles.sha256(src), 3_000_001), upload.get());
      assertEquals(TestFiles.sha256(src), TestFiles.sha256(base.resolve("d/video.mp4")));
      assertEquals(3_000_001, progress.get());
    } else {
      assertEquals(List.of(), target.list("d"), "declined: nothing written");
    }
  }

  /**
   * The one-pass copy trusts the target's hash of the bytes as it wrote them; damage to the
   * stored copy after that is what the recheck before the delete reads the stored file for.
   */
  @Test
  void aOnePassCopyDamagedAfterwardsIsCaughtByTheRecheckBeforeTheDelete() throws Exception {
    Path src = source("later.jpg", 200_000);
    SafeCopy.Result copied = safeCopy(target, copyRequest(src, "d/later.jpg"));
    flipOneByte(base.resolve(copied.remotePath()));

    DeleteRecheck.Result recheck = DeleteRecheck.run(target, new DeleteRecheck.Expected(copied.remotePath(),
        200_000, copied.sha256(), src, 200_000, Files.getLastModifiedTime(src).toMillis()));

    assertEquals(RecheckOutcome.TARGET_COPY_BAD, recheck.outcome(), recheck.message());
    assertTrue(Files.exists(src));
  }

  @Test
  void hashedUploadsTakeHostileNamesAsData() throws Exception {
    Path src = source("h.bin", 1000);
    target.mkdirs("hostile");
    for (String name : HOSTILE) {
      Optional<Target.HashedUpload> upload = target.uploadHashed(src, "hostile/" + name, Target.Progress.NONE,
          Target.CancelSignal.NEVER);
      upload.ifPresent(u -> assertEquals(u.sentSha256(), u.storedSha256(), name));
    }
    assertEquals(hashesAsItWrites(src) ? HOSTILE.size() : 0, target.list("hostile").size());
    assertFalse(Files.exists(Path.of("pwned")) || Files.exists(base.resolve("pwned")), "no name ran as a command");
  }

  @Test
  void aBigFileIsVerifiedInOnePassWithoutReadingItBack() throws Exception {
    Path src = source("flight.mp4", 40 * MIB);
    AtomicLong hashedAfterwards = new AtomicLong();
    Target counting = new ForwardingTarget(target) {
      @Override
      public String sha256(String path, long size) throws TargetException {
        hashedAfterwards.incrementAndGet();
        return real.sha256(path, size);
      }
    };

    SafeCopy.Result result = safeCopy(counting, copyRequest(src, "d/flight.mp4"));

    assertEquals(TestFiles.sha256(src), TestFiles.sha256(base.resolve("d/flight.mp4")));
    assertEquals(40 * MIB, result.bytesSent());
    assertEquals(hashesAsItWrites(src) ? 0 : 1, hashedAfterwards.get(), "a second read of the stored copy");
  }

  @Test
  void aTargetHashThatDisagreesDiscardsTheOnePassCopy() throws Exception {
    Path src = source("flight.mp4", 40 * MIB);
    Target disagreeing = new ForwardingTarget(target) {
      @Override
      public Optional<HashedUpload> uploadHashed(Path source, String path, Progress progress, CancelSignal cancel)
          throws TargetException {
        return real.uploadHashed(source, path, progress, cancel)
            .map(u -> new HashedUpload(u.sentSha256(), "0".repeat(64), u.storedBytes()));
      }
    };

    if (hashesAsItWrites(src)) {
      TargetException failed = assertThrows(TargetException.class,
          () -> safeCopy(disagreeing, copyRequest(src, "d/flight.mp4")));
      assertEquals(ErrorKind.CORRUPT, failed.kind());
      assertTrue(failed.getMessage().contains("hash mismatch"), failed.getMessage());
      assertEquals(List.of(), target.list("d"), "neither the temp nor the final name remains");
    } else {
      assertEquals(40 * MIB, safeCopy(disagreeing, copyRequest(src, "d/flight.mp4")).bytesSent());
    }
  }

  // Resuming a cut upload: the temp file an earlier attempt left is continued from the longest
  // whole-MiB prefix (8 MiB short of its end) whose hash on the target matches the source's.

  static final long MIB = 1 << 20;

  /** What a cut attempt left: the first bytes of src under the temp name (damaged by the consumer). */
  private SafeCopy.Request cutAttempt(Path src, String finalPath, long bytes, java.util.function.Consumer<Path> damage)
      throws Exception {
    SafeCopy.Request request = copyRequest(src, finalPath);
    Path part = work.resolve("part.bin");
    try (var in = Files.newInputStream(src)) {
      Files.write(part, in.readNBytes((int) bytes));
    }
    target.mkdirs(RemoteLayout.parent(finalPath));
    target.upload(part, request.tempPath(), Target.Progress.NONE, Target.CancelSignal.NEVER);
    damage.accept(base.resolve(request.tempPath()));
    return request;
  }

  private SafeCopy.Result resumingCopy(SafeCopy.Request request) throws TargetException {
    return new SafeCopy(target, MIB).copy(request, Target.Progress.NONE, Target.CancelSignal.NEVER);
  }

  @Test
  void aCutUploadContinuesFromItsVerifiedPrefixAndTheWholeFileIsVerified() throws Exception {
    Path src = source("clip.mp4", 24 * MIB + 12345);
    SafeCopy.Request request = cutAttempt(src, "d/clip.mp4", 18 * MIB + 777, file -> { });

    SafeCopy.Result result = resumingCopy(request);

    long kept = resumes() ? 10 * MIB : 0; // 18 MiB + 777 left, less the 8 MiB margin, whole MiB
    assertEquals(kept, result.bytesKept());
    assertEquals(24 * MIB + 12345 - kept, result.bytesSent());
    assertEquals(TestFiles.sha256(src), TestFiles.sha256(base.resolve("d/clip.mp4")));
    assertEquals(List.of("clip.mp4"), target.list("d"), "no temp left");
  }

  @Test
  void aTempFileChangedOnTheTargetIsNotContinued() throws Exception {
    Path src = source("clip.mp4", 24 * MIB);
    SafeCopy.Request request = cutAttempt(src, "d/clip.mp4", 20 * MIB, TargetContractTest::flipOneByte);

    SafeCopy.Result result = resumingCopy(request);

    assertEquals(0, result.bytesKept(), "the prefix's hash differs: the upload starts over");
    assertEquals(24 * MIB, result.bytesSent());
    assertEquals(TestFiles.sha256(src), TestFiles.sha256(base.resolve("d/clip.mp4")));
  }

  @Test
  void aTempFileLongerThanTheSourceIsCutToItsSize() throws Exception {
    Path src = source("clip.mp4", 20 * MIB);
    SafeCopy.Request request = cutAttempt(src, "d/clip.mp4", 20 * MIB, file -> append(file, 3 * MIB));

    SafeCopy.Result result = resumingCopy(request);

    assertEquals(resumes() ? 12 * MIB : 0, result.bytesKept());
    assertEquals(TestFiles.sha256(src), TestFiles.sha256(base.resolve("d/clip.mp4")));
  }

  @Test
  void aSmallFileNeverResumesAndItsLeftoverGoes() throws Exception {
    Path src = source("photo.jpg", 24 * MIB);
    SafeCopy.Request request = cutAttempt(src, "d/photo.jpg", 20 * MIB, file -> { });

    SafeCopy.Result result = new SafeCopy(target, 64 * MIB).copy(request, Target.Progress.NONE,
        Target.CancelSignal.NEVER);

    assertEquals(0, result.bytesKept());
    assertEquals(24 * MIB, result.bytesSent());
    assertEquals(List.of("photo.jpg"), target.list("d"));
  }

  @Test
  void aBigFileCutByTheNetworkKeepsItsTempForTheNextAttempt() throws Exception {
    Path src = source("clip.mp4", 24 * MIB);
    SafeCopy.Request request = copyRequest(src, "d/clip.mp4");
    Target cut = new CutAfterUpload(target, () -> { });

    assertThrows(TargetException.class, () -> new SafeCopy(cut, MIB).copy(request, Target.Progress.NONE,
        Target.CancelSignal.NEVER));
    assertTrue(target.stat(request.tempPath()).isPresent(), "the temp file stays for the next attempt");

    SafeCopy.Result result = resumingCopy(request);
    assertEquals(resumes() ? 16 * MIB : 0, result.bytesKept());
    assertEquals(TestFiles.sha256(src), TestFiles.sha256(base.resolve("d/clip.mp4")));
  }

  /**
   * Found by the chaos run: a big file's upload cut by the network while its source changed.
   * The cut alone keeps the temp file for a resume, but the changed source ends this
   * generation, and no attempt of it comes back to resume or remove it.
   */
  @Test
  void aBigFileCutWhileItsSourceChangedLeavesNoTempBehind() throws Exception {
    Path src = source("clip.mp4", 24 * MIB);
    SafeCopy.Request request = copyRequest(src, "d/clip.mp4");
    Target cutAfterAChange = new CutAfterUpload(target, () -> append(src, MIB)); // the dock rewrote it meanwhile

    TargetException failed = assertThrows(TargetException.class, () -> new SafeCopy(cutAfterAChange, MIB)
        .copy(request, Target.Progress.NONE, Target.CancelSignal.NEVER));

    assertEquals(ErrorKind.SOURCE_CHANGED, failed.kind(), failed.getMessage());
    assertEquals(List.of(), target.list("d"), "no temp file kept for a resume that cannot come");
  }

  /**
   * Found by the chaos run: a NAS-side kill broke every pooled connection at once, the upload
   * failed, the source had changed, and the one delete of the temp file went to another broken
   * connection. The generation ended superseded, so no later attempt cleaned the temp.
   */
  @Test
  void theTempOfAFailedCopyIsRemovedEvenWhenTheFirstDeleteMeetsABrokenConnection() throws Exception {
    Path src = source("photo.jpg", 3 * MIB);
    SafeCopy.Request request = copyRequest(src, "d/photo.jpg");
    java.util.concurrent.atomic.AtomicInteger deletes = new java.util.concurrent.atomic.AtomicInteger();
    Target killedNas = new CutAfterUpload(target, () -> append(src, MIB)) {
      @Override
      public void delete(String path) throws TargetException {
        if (real.stat(path).isPresent() && deletes.incrementAndGet() == 1) { // the delete after the upload
          throw new TargetException(ErrorKind.TRANSIENT, "injected: the next pooled connection is broken too");
        }
        real.delete(path);
      }
    };

    TargetException failed = assertThrows(TargetException.class, () -> new SafeCopy(killedNas)
        .copy(request, Target.Progress.NONE, Target.CancelSignal.NEVER));

    assertEquals(ErrorKind.SOURCE_CHANGED, failed.kind(), failed.getMessage());
    assertEquals(List.of(), target.list("d"), "the temp file is gone after a second try");
  }

  /**
   * Writes the whole upload (one-pass where the target offers it), runs meanwhile, then fails
   * as a connection reset after the bytes were written would.
   */
  static class CutAfterUpload extends ForwardingTarget {
    private final Runnable meanwhile;

    CutAfterUpload(Target real, Runnable meanwhile) {
      super(real);
      this.meanwhile = meanwhile;
    }

    @Override
    public Optional<HashedUpload> uploadHashed(Path source, String path, Progress progress, CancelSignal cancel)
        throws TargetException {
      if (real.uploadHashed(source, path, progress, cancel).isEmpty()) {
        real.upload(source, path, progress, cancel); // declined by this target: the plain upload
      }
      throw cut();
    }

    @Override
    public String upload(Path source, String path, Progress progress, CancelSignal cancel) throws TargetException {
      real.upload(source, path, progress, cancel);
      throw cut();
    }

    private TargetException cut() {
      meanwhile.run();
      return new TargetException(ErrorKind.TRANSIENT, "injected connection reset after the bytes were written");
    }
  }

  private static void append(Path file, long bytes) {
    try {
      Files.write(file, new byte[(int) bytes], StandardOpenOption.APPEND);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** This target, with what it stored damaged on disk right after each upload. */
  /** The upload with a second read of the stored copy (the one-pass upload declined), damaged in between. */
  private Target damagingAfterUpload(java.util.function.Consumer<Path> damage) {
    return new ForwardingTarget(target) {
      @Override
      public Optional<HashedUpload> uploadHashed(Path source, String path, Progress progress, CancelSignal cancel) {
        return Optional.empty();
      }

      @Override
      public String upload(Path source, String path, Progress progress, CancelSignal cancel) throws TargetException {
        String sent = real.upload(source, path, progress, cancel);
        damage.accept(base.resolve(path));
        return sent;
      }
    };
  }

  private static void flipOneByte(Path file) {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer one = ByteBuffer.allocate(1);
      channel.read(one, 1000);
      one.put(0, (byte) ~one.get(0)).rewind();
      channel.write(one, 1000);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void truncate(Path file, long size) {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      channel.truncate(size);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void cancelledUploadStops() throws Exception {
    Path src = source("big", 8_000_000);
    assertThrows(Target.Cancelled.class, () -> target.upload(src, "big", Target.Progress.NONE, () -> true));
  }

  @Test
  void hostileNamesRoundTripAndNothingRunsOnTheTarget() throws Exception {
    target.mkdirs("-dir $(x)");
    long seed = 1;
    for (String name : HOSTILE) {
      Path src = TestFiles.write(work.resolve("hostile").resolve(String.valueOf(seed)), 100 + seed, seed++);
      String temp = "-dir $(x)/." + name + ".tmp";
      String sha = target.upload(src, temp, Target.Progress.NONE, Target.CancelSignal.NEVER);
      assertEquals(sha, target.sha256(temp), name);
      target.renameNoReplace(temp, "-dir $(x)/" + name);
      assertEquals(sha, TestFiles.sha256(base.resolve("-dir $(x)").resolve(name)), name);
    }
    assertEquals(HOSTILE.size(), target.list("-dir $(x)").size());
    assertTrue(TestFiles.listFiles(work).stream().noneMatch(p -> p.getFileName().toString().startsWith("pwned")));
    assertTrue(Files.notExists(Path.of("pwned")) && Files.notExists(Path.of("/tmp/pwned")));
  }

  @Test
  void statDoesNotFollowSymbolicLinks() throws Exception {
    Path outside = Files.createDirectories(work.resolve("outside"));
    TestFiles.write(outside.resolve("f.mp4"), 1000, 1);
    Files.createSymbolicLink(base.resolve("dir-link"), outside);
    Files.createSymbolicLink(base.resolve("file-link.mp4"), outside.resolve("f.mp4"));
    target.upload(source("plain", 10), "plain", Target.Progress.NONE, Target.CancelSignal.NEVER);

    RemoteStat dirLink = target.stat("dir-link").orElseThrow();
    RemoteStat fileLink = target.stat("file-link.mp4").orElseThrow();

    assertEquals(RemoteStat.Kind.LINK, dirLink.kind());
    assertEquals(RemoteStat.Kind.LINK, fileLink.kind());
    assertTrue(!dirLink.directory() && !fileLink.regularFile());
    assertTrue(target.stat("plain").orElseThrow().regularFile());
  }
}
