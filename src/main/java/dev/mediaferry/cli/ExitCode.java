package dev.mediaferry.cli;

/** The exit codes operators' scripts depend on. Do not renumber. */
public final class ExitCode {
  public static final int OK = 0;
  public static final int FILES_FAILED = 1;
  public static final int BAD_USAGE_OR_CONFIG = 2;
  public static final int LOCKED = 3;

  private ExitCode() {}
}
