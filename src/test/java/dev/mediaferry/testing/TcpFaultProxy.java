package dev.mediaferry.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A loopback TCP proxy that, once armed, resets or stalls the connection carrying the next
 * N bytes from client to server: the network failures an SFTP upload must survive. Armed
 * for a login, it hits the next new connection within its first bytes (the SSH handshake).
 */
public final class TcpFaultProxy implements AutoCloseable {
  public enum Fault { RESET, STALL }

  private final ServerSocket server;
  private final int targetPort;
  private final AtomicReference<Fault> armed = new AtomicReference<>();
  private final AtomicLong budget = new AtomicLong();
  private final AtomicReference<Fault> loginFault = new AtomicReference<>();
  private volatile long loginBytes;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final CountDownLatch closed = new CountDownLatch(1);
  public final AtomicLong faultsInjected = new AtomicLong();
  public final AtomicLong resetsInjected = new AtomicLong();
  public final AtomicLong stallsInjected = new AtomicLong();
  private volatile boolean down;

  public TcpFaultProxy(int targetPort) throws IOException {
    this.targetPort = targetPort;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::acceptLoop, "fault-proxy-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  public int port() {
    return server.getLocalPort();
  }

  /** The connection that carries the next afterBytes client bytes gets the fault, once. */
  public void arm(Fault fault, long afterBytes) {
    budget.set(afterBytes);
    armed.set(fault);
  }

  /** The next connection opened gets the fault after its first afterBytes client bytes, once. */
  public void armLogin(Fault fault, long afterBytes) {
    loginBytes = afterBytes;
    loginFault.set(fault);
  }

  /** The NAS goes away: open connections are reset, new ones are closed at once, until {@link #up()}. */
  public void down() throws IOException {
    down = true;
    for (Socket s : sockets) {
      if (!s.isClosed()) {
        s.setSoLinger(true, 0);
        s.close();
      }
    }
    sockets.clear();
  }

  public void up() {
    down = false;
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        if (down) {
          client.setSoLinger(true, 0);
          client.close();
          continue;
        }
        Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
        sockets.add(client);
        sockets.add(upstream);
        Fault atLogin = loginFault.getAndSet(null);
        pump(client, upstream, true, atLogin, loginBytes);
        pump(upstream, client, false, null, 0);
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void pump(Socket from, Socket to, boolean clientToServer, Fault atLogin, long loginBudget) {
    Thread t = new Thread(() -> {
      byte[] buffer = new byte[16 * 1024];
      long passed = 0;
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        for (int n; (n = in.read(buffer)) != -1; ) {
          passed += n;
          if (atLogin != null && passed >= loginBudget) {
            int before = (int) Math.max(0, n - (passed - loginBudget));
            out.write(buffer, 0, before); // the handshake gets this far, then the fault
            out.flush();
            inject(atLogin, from, to);
            return;
          }
          if (clientToServer && armed.get() != null && budget.addAndGet(-n) <= 0) {
            Fault fault = armed.getAndSet(null);
            if (fault != null) {
              faultsInjected.incrementAndGet();
              inject(fault, from, to);
              return;
            }
          }
          out.write(buffer, 0, n);
        }
      } catch (IOException | InterruptedException e) {
        // the connection ended
      }
    }, "fault-proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  private void inject(Fault fault, Socket from, Socket to) throws IOException, InterruptedException {
    (fault == Fault.RESET ? resetsInjected : stallsInjected).incrementAndGet();
    if (fault == Fault.RESET) {
      from.setSoLinger(true, 0); // RST instead of FIN
      to.setSoLinger(true, 0);
      from.close();
      to.close();
    } else {
      closed.await(); // hold both sockets open, forward nothing
    }
  }

  @Override
  public void close() throws IOException {
    closed.countDown();
    server.close();
    for (Socket s : sockets) {
      s.close();
    }
  }
}
