package dev.mediaferry.targets;

import dev.mediaferry.file.ErrorKind;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A plain directory: the embedded default, and how a NAS mounted over NFS or SMB is used.
 */
public final class LocalTarget implements Target {
  private final Path base;

  public LocalTarget(Path base) {
    this.base = base.toAbsolutePath().normalize();
  }

  public Path base() {
    return base;
  }

  @Override
  public String describe() {
    return describe(base);
  }

  /** The name of a local target at base, in status and logs. */
  public static String describe(Path base) {
    return "file:" + base.toAbsolutePath().normalize();
  }

  /** Resolves a target path, refusing anything that would leave the base directory. */
  Path resolve(String path) throws TargetException {
    Path resolved = base.resolve(path).normalize();
    if (!resolved.startsWith(base)) {
      throw new TargetException(ErrorKind.PERMANENT, "path " + path + " escapes the target base " + base);
    }
    return resolved;
  }

  @Override
  public String upload(Path source, String path, Progress progress, CancelSignal cancel) throws TargetException {
    Path dest = resolve(path);
    MessageDigest digest = Sha256.digest();
    try (InputStream in = Files.newInputStream(source, LinkOption.NOFOLLOW_LINKS);
         FileChannel out = FileChannel.open(dest, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ChunkCopy.copy(in, (buffer, n) -> writeFully(out, buffer, n), Sha256.BUFFER, 0, digest, progress, cancel, path);
      // on stable storage before anyone renames it into place
      out.force(true);
      return Sha256.hex(digest);
    } catch (TargetException e) {
      throw e;
    } catch (IOException e) {
      throw classify("upload " + source + " to " + dest, e, dest);
    }
  }

  private static void writeFully(FileChannel out, byte[] buffer, int length) throws IOException {
    ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, length);
    while (chunk.hasRemaining()) {
      out.write(chunk);
    }
  }

  @Override
  public String sha256(String path) throws TargetException {
    Path file = resolve(path);
    return io("hash " + file, file, () -> Sha256.of(file));
  }

  @Override
  public Optional<String> sha256OfPrefix(String path, long length) throws TargetException {
    Path file = resolve(path);
    return io("hash the start of " + file, file, () -> {
      try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
        return Sha256.ofPrefix(in, length);
      }
    });
  }

  @Override
  public void uploadFrom(Path source, String path, long offset, Progress progress, CancelSignal cancel)
      throws TargetException {
    Path dest = resolve(path);
    try (InputStream in = Files.newInputStream(source, LinkOption.NOFOLLOW_LINKS);
         FileChannel out = FileChannel.open(dest, StandardOpenOption.WRITE)) {
      in.skipNBytes(offset);
      out.position(offset);
      long written = ChunkCopy.copy(in, (buffer, n) -> writeFully(out, buffer, n), Sha256.BUFFER, offset, null,
          progress, cancel, path);
      out.truncate(written);
      out.force(true);
    } catch (TargetException e) {
      throw e;
    } catch (IOException e) {
      throw classify("resume " + source + " into " + dest, e, dest);
    }
  }

  @Override
  public Optional<RemoteStat> stat(String path) throws TargetException {
    Path file = resolve(path);
    try {
      BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      RemoteStat.Kind kind = attrs.isSymbolicLink() ? RemoteStat.Kind.LINK
          : attrs.isDirectory() ? RemoteStat.Kind.DIRECTORY
          : attrs.isRegularFile() ? RemoteStat.Kind.FILE : RemoteStat.Kind.OTHER;
      return Optional.of(new RemoteStat(attrs.size(), attrs.lastModifiedTime().toMillis(), kind));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw classify("stat " + file, e, file);
    }
  }

  /**
   * A hard link fails when the destination exists, so link + unlink is a rename that can
   * never replace a file. Filesystems without hard links (some SMB mounts) fall back to a
   * move without REPLACE_EXISTING, which checks first and is not atomic.
   */
  @Override
  public void renameNoReplace(String from, String to) throws TargetException {
    Path src = resolve(from);
    Path dst = resolve(to);
    try {
      Files.createLink(dst, src);
    } catch (FileAlreadyExistsException e) {
      throw new TargetException.DestinationExists(dst.toString());
    } catch (UnsupportedOperationException | IOException linkRefused) {
      moveWithoutReplace(src, dst);
      syncFolder(dst.getParent());
      return;
    }
    delete(from);
    syncFolder(dst.getParent());
  }

  /** The rename itself on stable storage: fsync of the folder that holds the new name. */
  private void syncFolder(Path folder) throws TargetException {
    io("sync folder " + folder, folder, () -> {
      try (FileChannel dir = FileChannel.open(folder, StandardOpenOption.READ)) {
        dir.force(true);
      }
      return null;
    });
  }

  private void moveWithoutReplace(Path src, Path dst) throws TargetException {
    try {
      Files.move(src, dst);
    } catch (FileAlreadyExistsException e) {
      throw new TargetException.DestinationExists(dst.toString());
    } catch (IOException e) {
      throw classify("rename " + src + " to " + dst, e, dst);
    }
  }

  /** Never through a symbolic link: the folder holding the file must really be inside the base. */
  @Override
  public void delete(String path) throws TargetException {
    Path file = resolve(path);
    Path folder = file.getParent();
    boolean outside = io("resolve " + folder, folder,
        () -> Files.exists(folder) && !folder.toRealPath().startsWith(base.toRealPath()));
    if (outside) {
      throw new TargetException(ErrorKind.PERMANENT, "not deleting " + file + ": its folder leads outside the target "
          + "base " + base + " through a symbolic link");
    }
    io("delete " + file, file, () -> Files.deleteIfExists(file));
  }

  @Override
  public void mkdirs(String dir) throws TargetException {
    Path directory = resolve(dir);
    try {
      io("create directory " + directory, directory, () -> Files.createDirectories(directory));
    } catch (TargetException e) {
      for (Path p = directory; p != null; p = p.getParent()) {
        if (Files.exists(p) && !Files.isDirectory(p)) {
          throw new TargetException(ErrorKind.PERMANENT, p + " is a file, not a folder, so nothing can be stored "
              + "under " + directory + ": point mediaferry.target.url (or the layout) at a folder", e);
        }
      }
      throw e;
    }
  }

  @Override
  public Optional<Space> space(String dir) throws TargetException {
    Path directory = resolve(dir);
    return io("read free space of " + directory, directory, () -> {
      var store = Files.getFileStore(existingAncestor(directory));
      return Optional.of(new Space(store.getUsableSpace(), store.getTotalSpace()));
    });
  }

  @Override
  public List<String> list(String dir) throws TargetException {
    Path directory = resolve(dir);
    if (!Files.isDirectory(directory)) {
      return List.of();
    }
    try (Stream<Path> entries = Files.list(directory)) {
      List<String> names = new ArrayList<>();
      entries.forEach(p -> names.add(p.getFileName().toString()));
      return names;
    } catch (IOException e) {
      throw classify("list " + directory, e, directory);
    }
  }

  @Override
  public void close() {}

  private interface IoWork<T> {
    T run() throws IOException;
  }

  /** Runs one filesystem operation, classifying its failure. */
  private <T> T io(String action, Path where, IoWork<T> work) throws TargetException {
    try {
      return work.run();
    } catch (IOException e) {
      throw classify(action, e, where);
    }
  }

  /** The path itself, or its nearest parent that exists (the base when none does). */
  private Path existingAncestor(Path path) {
    Path existing = path;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    return existing == null ? base : existing;
  }

  /**
   * Classifies by exception type, and tells a full disk from other I/O errors by asking
   * the filesystem how much room is left (Java has no type for ENOSPC).
   */
  private TargetException classify(String action, IOException e, Path where) {
    if (e instanceof AccessDeniedException) {
      return new TargetException(ErrorKind.PERMANENT,
          "permission denied: cannot " + action + "; give the mediaferry user write access to " + base, e);
    }
    if (e instanceof NoSuchFileException missing) {
      return new TargetException(ErrorKind.TRANSIENT, "cannot " + action + ": " + missing.getFile() + " is missing", e);
    }
    if (isFull(where)) {
      return new TargetException(ErrorKind.TARGET_FULL,
          "target full: cannot " + action + "; free space on " + base, e);
    }
    return new TargetException(ErrorKind.TRANSIENT, "cannot " + action + ": " + e, e);
  }

  private boolean isFull(Path where) {
    try {
      return Files.getFileStore(existingAncestor(where)).getUsableSpace() < 64 * 1024;
    } catch (IOException ignored) {
      return false;
    }
  }
}
