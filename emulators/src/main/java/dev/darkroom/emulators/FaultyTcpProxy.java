package dev.darkroom.emulators;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP relay on 127.0.0.1 in front of a local service (the local stack puts one in front of
 * PostgreSQL), which can make that service unreachable for a while: {@link #cutFor} closes every
 * open connection and, until the time is up, closes each new one as soon as it is accepted, as a
 * database lost to a network partition or a failover looks to its clients.
 */
public final class FaultyTcpProxy implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FaultyTcpProxy.class);

  private final String name;
  private final ServerSocket server;
  private final InetSocketAddress target;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final Thread acceptor;
  /** Compared as nanoTime differences; starts in the past (now), so nothing is cut. */
  private volatile long cutUntilNanos = System.nanoTime();
  private volatile boolean closed;

  private FaultyTcpProxy(String name, ServerSocket server, InetSocketAddress target) {
    this.name = name;
    this.server = server;
    this.target = target;
    this.acceptor = new Thread(this::accept, "tcp-proxy-" + name);
    this.acceptor.setDaemon(true);
  }

  /** Relays {@code port} (0: any free one) on 127.0.0.1 to {@code targetPort} on 127.0.0.1. */
  public static FaultyTcpProxy start(String name, int port, int targetPort) {
    try {
      ServerSocket server = new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
      FaultyTcpProxy proxy = new FaultyTcpProxy(name, server,
          new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort));
      proxy.acceptor.start();
      return proxy;
    } catch (IOException e) {
      throw new IllegalStateException("cannot listen for the " + name + " proxy on port " + port, e);
    }
  }

  public int port() {
    return server.getLocalPort();
  }

  /** Drops every connection now and refuses service for {@code outage}. */
  public void cutFor(Duration outage) {
    cutUntilNanos = System.nanoTime() + outage.toNanos();
    log.warn("{} proxy: cut for {} (fault injected)", name, outage);
    open.forEach(FaultyTcpProxy::closeQuietly);
  }

  private boolean isCut() {
    return System.nanoTime() - cutUntilNanos < 0;
  }

  private void accept() {
    while (!closed) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        if (!closed) {
          log.warn("{} proxy: accept failed: {}", name, e.toString());
        }
        return;
      }
      if (isCut()) {
        closeQuietly(client);
        continue;
      }
      Socket upstream = new Socket();
      try {
        upstream.connect(target, 5_000);
      } catch (IOException e) {
        closeQuietly(client);
        closeQuietly(upstream);
        continue;
      }
      open.add(client);
      open.add(upstream);
      pipe(client, upstream);
      pipe(upstream, client);
    }
  }

  private void pipe(Socket from, Socket to) {
    Thread thread = new Thread(() -> {
      byte[] buffer = new byte[16 * 1024];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        int n;
        while ((n = in.read(buffer)) >= 0) {
          out.write(buffer, 0, n);
          out.flush();
        }
      } catch (IOException e) {
        // The other side went away, or the connection was cut: close both.
      } finally {
        closeQuietly(from);
        closeQuietly(to);
        open.remove(from);
        open.remove(to);
      }
    }, "tcp-proxy-" + name + "-pipe");
    thread.setDaemon(true);
    thread.start();
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException e) {
      // closing anyway
    }
    open.forEach(FaultyTcpProxy::closeQuietly);
  }
}
