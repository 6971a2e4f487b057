package dev.darkroom.bench.api;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay on 127.0.0.1 in front of PostgreSQL that reads the frontend protocol as it passes
 * and counts SQL statements (each simple {@code Query} and each extended-protocol {@code Execute})
 * and round trips (each {@code Query} and each {@code Sync}, after which the client waits for the
 * server). Works for any client, the JDBC driver's pool included, with no change to its code; the
 * relay needs the connection unencrypted ({@code sslmode=disable}).
 */
public final class CountingPostgresProxy implements AutoCloseable {
  /** Startup-phase request codes (protocol 3.0, "Message Formats"). */
  private static final int SSL_REQUEST = 80877103;
  private static final int GSS_REQUEST = 80877104;
  private static final int CANCEL_REQUEST = 80877102;

  private final ServerSocket listener;
  private final int targetPort;
  private final RpcTally tally;
  private final List<Socket> open = new CopyOnWriteArrayList<>();

  private CountingPostgresProxy(int targetPort, RpcTally tally) throws IOException {
    this.targetPort = targetPort;
    this.tally = tally;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::accept, "pg-count-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** A relay to PostgreSQL on 127.0.0.1:{@code targetPort}, counting into {@code tally}. */
  public static CountingPostgresProxy start(int targetPort, RpcTally tally) {
    try {
      return new CountingPostgresProxy(targetPort, tally);
    } catch (IOException e) {
      throw new UncheckedIOException("the counting PostgreSQL relay did not start", e);
    }
  }

  public int port() {
    return listener.getLocalPort();
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        Socket server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
        client.setTcpNoDelay(true);
        server.setTcpNoDelay(true);
        open.add(client);
        open.add(server);
        daemon("pg-count-up", () -> relayCounting(client, server));
        daemon("pg-count-down", () -> relay(server, client));
      } catch (IOException e) {
        // Closed listener (shutdown) or a refused upstream: the client sees its connection fail.
      }
    }
  }

  private void relayCounting(Socket from, Socket to) {
    try (DataInputStream in = new DataInputStream(new BufferedInputStream(from.getInputStream()));
        OutputStream out = new BufferedOutputStream(to.getOutputStream())) {
      boolean started = false;
      while (!started) {
        int length = in.readInt();
        byte[] body = in.readNBytes(length - 4);
        writeInt(out, length);
        out.write(body);
        out.flush();
        int code = ((body[0] & 0xff) << 24) | ((body[1] & 0xff) << 16) | ((body[2] & 0xff) << 8) | (body[3] & 0xff);
        if (code == CANCEL_REQUEST) {
          return;
        }
        // SSL and GSS requests are answered 'N' (embedded PostgreSQL has neither); then the startup message.
        started = code != SSL_REQUEST && code != GSS_REQUEST;
      }
      while (true) {
        int type = in.read();
        if (type < 0) {
          return;
        }
        int length = in.readInt();
        byte[] body = in.readNBytes(length - 4);
        switch (type) {
          case 'Q' -> {
            tally.add(RpcTally.SQL_STATEMENTS, 1);
            tally.add(RpcTally.SQL_ROUND_TRIPS, 1);
          }
          case 'E' -> tally.add(RpcTally.SQL_STATEMENTS, 1);
          case 'S' -> tally.add(RpcTally.SQL_ROUND_TRIPS, 1);
          default -> { }
        }
        out.write(type);
        writeInt(out, length);
        out.write(body);
        // Pass on what arrived together in one write; never hold bytes while waiting for more.
        if (in.available() == 0) {
          out.flush();
        }
      }
    } catch (EOFException e) {
      // The client hung up.
    } catch (IOException e) {
      // Either side closed.
    } finally {
      closeQuietly(from);
      closeQuietly(to);
    }
  }

  private static void relay(Socket from, Socket to) {
    try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
      in.transferTo(out);
    } catch (IOException e) {
      // Either side closed.
    } finally {
      closeQuietly(from);
      closeQuietly(to);
    }
  }

  private static void writeInt(OutputStream out, int value) throws IOException {
    out.write(value >>> 24);
    out.write(value >>> 16);
    out.write(value >>> 8);
    out.write(value);
  }

  private static void daemon(String name, Runnable body) {
    Thread thread = new Thread(body, name);
    thread.setDaemon(true);
    thread.start();
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // Already closed.
    }
  }

  @Override
  public void close() throws IOException {
    listener.close();
    open.forEach(CountingPostgresProxy::closeQuietly);
  }
}
