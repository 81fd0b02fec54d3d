package dev.mediaferry.journal;

/**
 * A projection that writes somewhere else (the dock's table, a log) and keeps its offset in
 * the file index's database under its name. Its writes cannot commit with the offset, so
 * they must be idempotent: after a crash the last batch comes again.
 */
public abstract class ProjectionBesideIndex implements Projection {
  protected final FileIndex index;
  private final String name;

  protected ProjectionBesideIndex(FileIndex index, String name) {
    this.index = index;
    this.name = name;
  }

  @Override
  public long offset() throws Exception {
    return index.offset(name);
  }

  @Override
  public boolean isCurrent() throws Exception {
    return index.journalEnd() <= offset();
  }

  /** Stores how far this projection is complete, after its batch was written. */
  protected void storeOffset(long offset) throws Exception {
    index.storeOffset(name, offset);
  }
}
