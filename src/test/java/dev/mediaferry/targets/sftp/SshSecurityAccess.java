package dev.mediaferry.targets.sftp;

/** For tests outside this package: the JCA provider order the SFTP target sets up. */
public final class SshSecurityAccess {
  private SshSecurityAccess() {}

  public static void configure() {
    SshSecurity.config();
  }
}
