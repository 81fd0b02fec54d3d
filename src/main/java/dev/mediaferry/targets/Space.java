package dev.mediaferry.targets;

/** Room on a volume: bytes free for us and the volume's size. */
public record Space(long freeBytes, long totalBytes) {

  public double usedPercent() {
    return totalBytes <= 0 ? 0 : 100.0 * (totalBytes - freeBytes) / totalBytes;
  }
}
