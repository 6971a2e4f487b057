package dev.darkroom.local;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * An HTTP/1.1 client that sends exactly the bytes it is given, one connection per request, for
 * requests no well-behaved client would send (bad framing, raw bytes in the request line, lying
 * lengths). It reads the answer while it writes, as a client must to see an early {@code 413}
 * before the server closes the connection under a body it will not read.
 */
final class RawHttp implements AutoCloseable {
  private static final int CONNECT_TIMEOUT_MS = 5_000;
  private static final int STATUS_LINE_MAX = 8_192;
  private static final int SHOWN_BODY = 300;
  private static final int SHOWN_HEAD = 4096;
  private static final long DRAIN_MAX = 64L * 1024 * 1024;
  private static final int DRAIN_TIMEOUT_MS = 5_000;

  private final InetSocketAddress server;
  private final int readTimeoutMs;
  private final ExecutorService writers = Executors.newCachedThreadPool(r -> {
    Thread thread = new Thread(r, "raw-http-writer");
    thread.setDaemon(true);
    return thread;
  });

  RawHttp(String host, int port, int readTimeoutMs) {
    this.server = new InetSocketAddress(host, port);
    this.readTimeoutMs = readTimeoutMs;
  }

  /** What came back: the final status (after any {@code 1xx}), and for a 5xx the start of the answer. */
  record Answer(int status, String shown) {}

  /**
   * Sends {@code request} and reads the status line of the answer.
   *
   * @param halfClose shut the sending side once written, so the server reads an early end
   * @throws IOException when no HTTP answer arrives (refused, reset, closed, or timed out)
   */
  Answer exchange(byte[] request, boolean halfClose) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(server, CONNECT_TIMEOUT_MS);
      socket.setSoTimeout(readTimeoutMs);
      OutputStream out = socket.getOutputStream();
      writers.execute(() -> {
        try {
          out.write(request);
          out.flush();
          if (halfClose) {
            socket.shutdownOutput();
          }
        } catch (IOException e) {
          // The server may answer and close before it has read everything: the answer is what counts.
        }
      });
      InputStream in = socket.getInputStream();
      while (true) {
        String statusLine = line(in);
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
          throw new IOException("not an HTTP status line: " + shown(statusLine.getBytes(StandardCharsets.ISO_8859_1)));
        }
        int status;
        try {
          status = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
          throw new IOException("not an HTTP status: " + statusLine);
        }
        if (status >= 200 || status == 101) {
          // Had the server kept the connection open after all, the drain stops here.
          socket.setSoTimeout(DRAIN_TIMEOUT_MS);
          String rest = rest(in);
          return new Answer(status, status >= 500 ? statusLine + " " + rest : statusLine);
        }
        // 1xx (100 Continue): its headers end with an empty line, then the real answer follows.
        while (!line(in).isEmpty()) {
          // skip the interim answer's headers
        }
      }
    }
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != '\n') {
      if (b < 0) {
        throw new IOException("the connection closed " + (line.size() == 0 ? "without an answer" : "mid-line"));
      }
      if (line.size() > STATUS_LINE_MAX) {
        throw new IOException("an answer line longer than " + STATUS_LINE_MAX + " bytes");
      }
      line.write(b);
    }
    String text = line.toString(StandardCharsets.ISO_8859_1);
    return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
  }

  /**
   * The rest of the answer: its headers, then its body to its {@code Content-Length} or, without
   * one, to the end of the connection (every request says {@code Connection: close}), so the
   * server finishes writing rather than failing on a closed socket. The body's start is kept to
   * show. Whatever breaks off here breaks off after the answer, which is already in.
   */
  private static String rest(InputStream in) {
    long length = -1;
    ByteArrayOutputStream shown = new ByteArrayOutputStream();
    try {
      for (String header = line(in); !header.isEmpty(); header = line(in)) {
        int colon = header.indexOf(':');
        if (colon > 0 && header.substring(0, colon).trim().equalsIgnoreCase("Content-Length")) {
          length = Long.parseLong(header.substring(colon + 1).trim());
        }
      }
      byte[] buffer = new byte[8192];
      long total = 0;
      long wanted = length >= 0 ? Math.min(length, DRAIN_MAX) : DRAIN_MAX;
      int n;
      while (total < wanted && (n = in.read(buffer, 0, (int) Math.min(buffer.length, wanted - total))) > 0) {
        total += n;
        if (shown.size() < SHOWN_HEAD) {
          shown.write(buffer, 0, Math.min(n, SHOWN_HEAD - shown.size()));
        }
      }
    } catch (IOException | NumberFormatException e) {
      // shown as far as it came
    }
    return shown(shown.toByteArray());
  }

  /** Printable ASCII as is, everything else escaped, at most {@value #SHOWN_BODY} bytes. */
  static String shown(byte[] bytes) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < Math.min(bytes.length, SHOWN_BODY); i++) {
      int b = bytes[i] & 0xff;
      if (b >= 0x20 && b < 0x7f && b != '\\') {
        out.append((char) b);
      } else {
        out.append(String.format("\\x%02x", b));
      }
    }
    return bytes.length > SHOWN_BODY ? out + "… (" + bytes.length + " bytes)" : out.toString();
  }

  @Override
  public void close() {
    writers.shutdownNow();
  }
}
