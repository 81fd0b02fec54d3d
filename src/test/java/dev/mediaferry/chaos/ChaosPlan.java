package dev.mediaferry.chaos;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The files of a chaos run, drawn from the seed: many small ones, some large, a few sparse
 * ones over 4 GiB. Most come through the dock's table; every fifth file (and every other
 * large one) is only left in the folder for the scan, and only those are modified while they
 * upload (a dock row records the size the dock wrote, so the dock never rewrites a finished file).
 */
record ChaosPlan(List<PlannedFile> files) {
  static final long GIB = 1L << 30;
  static final long MIB = 1L << 20;

  record PlannedFile(String relativePath, long size, boolean sparse, boolean viaDock, long seed) {
    boolean large() {
      return size >= 32 * MIB;
    }

    String line() {
      return relativePath + "\t" + size + "\t" + sparse + "\t" + viaDock + "\t" + seed;
    }

    static PlannedFile parse(String line) {
      String[] f = line.split("\t");
      return new PlannedFile(f[0], Long.parseLong(f[1]), Boolean.parseBoolean(f[2]), Boolean.parseBoolean(f[3]),
          Long.parseLong(f[4]));
    }
  }

  /** Sizes of one run: small files up to smallMax, large ones between largeMin and largeMax. */
  record Sizes(int files, int large, int sparse, long smallMax, long largeMin, long largeMax) {}

  static ChaosPlan draw(Sizes sizes, long seed) {
    Random random = new Random(seed);
    List<PlannedFile> files = new ArrayList<>();
    for (int i = 0; i < sizes.files(); i++) {
      boolean sparse = i < sizes.sparse();
      boolean large = !sparse && i < sizes.sparse() + sizes.large();
      long size;
      String name;
      if (sparse) {
        size = 4 * GIB + MIB + (long) (random.nextDouble() * 256 * MIB);
        name = String.format("flight-%02d/DJI_%04d.MP4", i % 7, i);
      } else if (large) {
        size = sizes.largeMin() + (long) (random.nextDouble() * (sizes.largeMax() - sizes.largeMin()));
        name = String.format("flight-%02d/DJI_%04d.MP4", i % 7, i);
      } else {
        // most photos are a few MB; some thumbnails and sidecars are tiny, a few are empty
        size = i % 97 == 0 ? 0 : 1 + (long) (Math.pow(random.nextDouble(), 2) * sizes.smallMax());
        name = String.format("flight-%02d/DJI_%04d.JPG", i % 7, i);
      }
      boolean viaDock = large ? i % 2 == 0 : i % 5 != 0;
      files.add(new PlannedFile(name, size, sparse, viaDock, random.nextLong()));
    }
    Collections.shuffle(files, random); // big ones arrive between the photos, as after a flight
    return new ChaosPlan(files);
  }

  long totalBytes() {
    return files.stream().mapToLong(PlannedFile::size).sum();
  }

  void write(Path file) throws IOException {
    Files.write(file, files.stream().map(PlannedFile::line).toList());
  }

  static List<PlannedFile> read(Path file) throws IOException {
    return Files.readAllLines(file).stream().filter(l -> !l.isBlank()).map(PlannedFile::parse).toList();
  }
}
