package dev.mediaferry.targets;

/** What the target knows of one path, without following a symbolic link at it. */
public record RemoteStat(long size, long mtimeMillis, Kind kind) {

  public enum Kind { FILE, DIRECTORY, LINK, OTHER }

  public boolean directory() {
    return kind == Kind.DIRECTORY;
  }

  public boolean regularFile() {
    return kind == Kind.FILE;
  }
}
