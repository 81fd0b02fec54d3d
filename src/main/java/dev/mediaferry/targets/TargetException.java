package dev.mediaferry.targets;

import dev.mediaferry.file.ErrorKind;
import java.io.IOException;

/** A classified failure; the message names the file and what to do about it. */
public class TargetException extends IOException {
  private final ErrorKind kind;

  public TargetException(ErrorKind kind, String message) {
    this(kind, message, null);
  }

  public TargetException(ErrorKind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public ErrorKind kind() {
    return kind;
  }

  /** Raised by {@link Target#renameNoReplace} when the destination already exists. */
  public static final class DestinationExists extends TargetException {
    public DestinationExists(String path) {
      super(ErrorKind.TRANSIENT, "destination already exists: " + path);
    }
  }
}
