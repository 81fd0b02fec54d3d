package dev.mediaferry.testing;

import dev.mediaferry.demo.InProcessSftpServer;

/** One in-process MINA SFTP server per test class: {@code @RegisterExtension static final MinaSftpExtension sftp = ...}. */
public final class MinaSftpExtension extends ServerPerClass<InProcessSftpServer> {
  public MinaSftpExtension() {
    super("mediaferry-mina-", InProcessSftpServer::start);
  }
}
