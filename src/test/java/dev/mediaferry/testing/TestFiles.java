package dev.mediaferry.testing;

import dev.mediaferry.targets.Sha256;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Files for tests: random content of a given size, hashes, listings. */
public final class TestFiles {
  private TestFiles() {}

  /** Writes size random bytes (seeded, so reruns are repeatable) with an mtime in the past. */
  public static Path write(Path file, long size, long seed) {
    try {
      Files.createDirectories(file.getParent());
      Random random = new Random(seed);
      byte[] buffer = new byte[1 << 20];
      try (OutputStream out = Files.newOutputStream(file)) {
        for (long left = size; left > 0; ) {
          random.nextBytes(buffer);
          int n = (int) Math.min(buffer.length, left);
          out.write(buffer, 0, n);
          left -= n;
        }
      }
      Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2025-03-04T12:00:00Z")));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static String sha256(Path file) {
    try {
      return Sha256.of(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** SHA-256 (hex) of the first length bytes of a file. */
  public static String sha256OfPrefix(Path file, long length) {
    try (java.io.InputStream in = Files.newInputStream(file)) {
      java.security.MessageDigest digest = Sha256.digest();
      digest.update(in.readNBytes(Math.toIntExact(length)));
      return Sha256.hex(digest);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** SHA-256 (hex) of length zero bytes, as a sparse file of that size hashes. */
  public static String sha256OfZeros(long length) {
    java.security.MessageDigest digest = Sha256.digest();
    byte[] zeros = new byte[1 << 20];
    for (long left = length; left > 0; left -= zeros.length) {
      digest.update(zeros, 0, (int) Math.min(zeros.length, left));
    }
    return Sha256.hex(digest);
  }

  /** Every regular file under root, hidden ones included, except a target's identity marker. */
  public static List<Path> listFiles(Path root) {
    List<Path> files = new ArrayList<>();
    if (!Files.exists(root)) {
      return files;
    }
    try {
      Files.walkFileTree(root, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
          if (!dev.mediaferry.targets.TargetIdentity.isMarker(file.getFileName().toString())) {
            files.add(file);
          }
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return files;
  }
}
