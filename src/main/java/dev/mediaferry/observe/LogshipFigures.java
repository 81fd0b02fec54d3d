package dev.mediaferry.observe;

/** The log shipper's figures as its last cycle left them (totals kept across restarts by its journal). */
public record LogshipFigures(long linesRead, long itemsFound, long duplicatesDay, long duplicatesGlobal,
    long newItems, long uploadedItems, long uploadedBatches, long failedAttempts, long queuedItems,
    long queuedBatches, long lastUploadMillis) {

  public static final LogshipFigures NONE = new LogshipFigures(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
}
