package dev.mediaferry.file;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Which local file this is, read without following a link: its file key (device and inode
 * on Unix; null where the file system has none), size and mtime. Two reads that agree saw
 * the same file with the same bytes, as far as anything short of re-reading it can tell.
 * The copy checks the source against it before and after the upload, the recheck before
 * the delete, the trash after the move.
 */
public record LocalIdentity(Object fileKey, long size, long mtimeMillis) {

  /** The path holds a link, a folder or a device instead of a regular file. */
  public static final class NotARegularFile extends IOException {
    private final boolean link;

    NotARegularFile(Path path, boolean link) {
      super(path + " is not a regular file" + (link ? " (a symbolic link)" : ""));
      this.link = link;
    }

    public boolean link() {
      return link;
    }
  }

  public static LocalIdentity of(Path path) throws IOException {
    BasicFileAttributes attrs = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (!attrs.isRegularFile()) {
      throw new NotARegularFile(path, attrs.isSymbolicLink());
    }
    return new LocalIdentity(attrs.fileKey(), attrs.size(), attrs.lastModifiedTime().toMillis());
  }

  /** Whether size and mtime are still those seen earlier. */
  public boolean hasSizeAndTime(long size, long mtimeMillis) {
    return this.size == size && this.mtimeMillis == mtimeMillis;
  }

  /**
   * Whether this is the same file (inode) as the one whose file key was recorded as text;
   * a key unknown on either side cannot tell files apart, so it counts as the same.
   */
  public boolean isSameFile(String recordedFileKey) {
    return recordedFileKey == null || fileKey == null || recordedFileKey.equals(fileKey.toString());
  }
}
