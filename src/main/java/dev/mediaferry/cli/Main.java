package dev.mediaferry.cli;

import dev.mediaferry.config.Settings;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The mediaferry command line: thin wiring over the daemon. */
@Command(name = "mediaferry", mixinStandardHelpOptions = true, version = "mediaferry 0.1.0",
    description = "Offloads media files from an edge device to a NAS and frees the edge disk only when the "
        + "NAS copy is verified by SHA-256 and rechecked.",
    subcommands = {RunCommand.class, StatusCommand.class, RetryCommand.class, SmokeCommand.class, AuditCommand.class, StorageCommand.class, DbCommand.class, TargetCommand.class, LogshipCommand.class,
        DemoCommand.class},
    footer = {"", "Exit codes: 0 ok, 1 files failed, 2 bad usage or config, 3 another instance holds the lock."})
public final class Main implements Runnable {

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  public static int execute(String... args) {
    CommandLine cli = new CommandLine(new Main());
    cli.setExecutionExceptionHandler((e, commandLine, parsed) -> {
      if (e instanceof Settings.Invalid || e instanceof dev.mediaferry.journal.JournalDatabase.Unusable) {
        commandLine.getErr().println("mediaferry: " + e.getMessage());
        return ExitCode.BAD_USAGE_OR_CONFIG;
      }
      throw e;
    });
    return cli.execute(args);
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }
}
