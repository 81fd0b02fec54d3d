package dev.mediaferry.deletion;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Which local file this is, read without following a link: its file key (device and inode
 * on Unix), size and mtime. Two reads that agree saw the same file with the same bytes, as
 * far as anything short of re-reading it can tell.
 */
public record LocalIdentity(Object fileKey, long size, long mtimeMillis) {

  /** The path holds a link, a folder or a device instead of a regular file. */
  public static final class NotARegularFile extends IOException {
    NotARegularFile(String message) {
      super(message);
    }
  }

  public static LocalIdentity of(Path path) throws IOException {
    BasicFileAttributes attrs = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (!attrs.isRegularFile()) {
      throw new NotARegularFile(path + " is not a regular file" + (attrs.isSymbolicLink() ? " (a symbolic link)" : ""));
    }
    return new LocalIdentity(attrs.fileKey(), attrs.size(), attrs.lastModifiedTime().toMillis());
  }
}
