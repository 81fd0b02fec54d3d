package dev.mediaferry.chaos;

import java.nio.file.Path;

/** The flags of scripts/chaos. */
final class ChaosOptions {
  static final String HELP = """
      Usage: scripts/chaos [--files N] [--kills K] [--minutes M] [--seed S]
                           [--sparse-files B] [--large-files L] [--bandwidth RATE] [--work DIR]

      Offloads N generated files (many small photos, L large videos of 100-400 MiB, B sparse
      files over 4 GiB) from a dock process writing its table, over a real sshd on 127.0.0.1,
      while it kills the daemon K times and cuts, stalls, fills and locks around it; then checks
      every file with sha256sum on both sides. Needs root. Exit 0 only with violations=0.

        --files N         files to offload (default 1000)
        --kills K         kill -9 of the daemon, each followed by a restart (default 20)
        --minutes M       the whole run must finish within M minutes (default 30)
        --seed S          repeat a run: the same files and the same faults in the same order
        --sparse-files B  sparse files over 4 GiB among the N (default 2; each takes 4 GiB of RAM on the NAS tmpfs)
        --large-files L   files of 100-400 MiB among the N (default 6)
        --bandwidth RATE  mediaferry.transfer.bandwidth for the run (default 0, unlimited)
        --work DIR        where the run's folders, logs and journal go (default var/chaos)

      Last line: chaos: files=N kills=K cuts=C stalls=S fills=F locks=L violations=V
      """;

  private ChaosOptions() {}

  /** The options, or null when help was asked for; IllegalArgumentException names a bad flag. */
  static ChaosRun.Options parse(String[] args) {
    ChaosRun.Options o = ChaosRun.Options.defaults(Path.of("var/chaos").toAbsolutePath());
    ChaosPlan.Sizes s = o.sizes();
    for (int i = 0; i < args.length; i++) {
      String flag = args[i];
      if (flag.equals("--help") || flag.equals("-h")) {
        return null;
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(flag + " needs a value (see --help)");
      }
      String value = args[++i];
      try {
        switch (flag) {
          case "--files" -> s = new ChaosPlan.Sizes(positive(flag, value), s.large(), s.sparse(), s.smallMax(),
              s.largeMin(), s.largeMax());
          case "--large-files" -> s = new ChaosPlan.Sizes(s.files(), Integer.parseInt(value), s.sparse(),
              s.smallMax(), s.largeMin(), s.largeMax());
          case "--sparse-files" -> s = new ChaosPlan.Sizes(s.files(), s.large(), Integer.parseInt(value),
              s.smallMax(), s.largeMin(), s.largeMax());
          case "--kills" -> o = with(o, s, Integer.parseInt(value), o.minutes(), o.seed(), o.work(), o.bandwidth());
          case "--minutes" -> o = with(o, s, o.kills(), positive(flag, value), o.seed(), o.work(), o.bandwidth());
          case "--seed" -> o = with(o, s, o.kills(), o.minutes(), Long.parseLong(value), o.work(), o.bandwidth());
          case "--work" -> o = with(o, s, o.kills(), o.minutes(), o.seed(), Path.of(value).toAbsolutePath(),
              o.bandwidth());
          case "--bandwidth" -> o = with(o, s, o.kills(), o.minutes(), o.seed(), o.work(), value);
          default -> throw new IllegalArgumentException("unknown flag " + flag + " (see --help)");
        }
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(flag + " takes a whole number, not '" + value + "'");
      }
    }
    if (s.sparse() + s.large() > s.files()) {
      throw new IllegalArgumentException("--sparse-files plus --large-files is more than --files");
    }
    return with(o, s, o.kills(), o.minutes(), o.seed(), o.work(), o.bandwidth());
  }

  private static ChaosRun.Options with(ChaosRun.Options o, ChaosPlan.Sizes sizes, int kills, int minutes, long seed,
      Path work, String bandwidth) {
    return new ChaosRun.Options(kills, minutes, seed, sizes, work, o.pauseSeconds(), o.dockPaceMillis(), bandwidth);
  }

  private static int positive(String flag, String value) {
    int n = Integer.parseInt(value);
    if (n <= 0) {
      throw new IllegalArgumentException(flag + " must be above 0");
    }
    return n;
  }
}
