package dev.mediaferry.journal;

import java.util.List;

/**
 * A read model fed from the journal's "file"-tagged events by {@link JournalProjection}, with
 * its own stored offset (the journal ordering it is complete up to). The file index is one;
 * the dock's status table is another.
 */
public interface Projection {

  /** The journal ordering up to which this projection is complete. */
  long offset() throws Exception;

  /** True when nothing journaled is left to apply. */
  boolean isCurrent() throws Exception;

  /**
   * Applies a batch in journal order and stores newOffset. Where the offset cannot be stored
   * in the same transaction, the writes must be idempotent: after a crash the batch comes again.
   */
  void apply(List<FileIndex.Change> changes, long newOffset) throws Exception;
}
