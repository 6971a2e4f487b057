package dev.darkroom.bench.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The relay counts a frontend's statements and round trips and passes its bytes through
 * unchanged, on loopback, with a stand-in server that only records what reached it.
 */
class CountingPostgresProxyTest {

  @Test
  void countsQueriesExecutesAndSyncsAndRelaysEveryByte() throws Exception {
    byte[] conversation = conversation();
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CompletableFuture<byte[]> received = CompletableFuture.supplyAsync(() -> {
        try (Socket accepted = server.accept(); InputStream in = accepted.getInputStream()) {
          return in.readNBytes(conversation.length);
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      });
      RpcTally tally = new RpcTally();
      try (CountingPostgresProxy proxy = CountingPostgresProxy.start(server.getLocalPort(), tally);
          Socket client = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
        OutputStream out = client.getOutputStream();
        out.write(conversation);
        out.flush();
        assertThat(received.get(10, TimeUnit.SECONDS)).isEqualTo(conversation);
      }
      // Two extended-protocol statements in one Sync, then a simple query: 3 statements, 2 round trips.
      assertThat(tally.snapshot()).isEqualTo(Map.of(RpcTally.SQL_STATEMENTS, 3L, RpcTally.SQL_ROUND_TRIPS, 2L));
    }
  }

  /** An SSL request, a startup message, then Parse/Bind/Execute twice, Sync, and a simple Query. */
  private static byte[] conversation() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeInt(8);
    out.writeInt(80877103);
    byte[] params = "user\0postgres\0\0".getBytes(StandardCharsets.US_ASCII);
    out.writeInt(8 + params.length);
    out.writeInt(196608);
    out.write(params);
    for (int i = 0; i < 2; i++) {
      message(out, 'P', "\0select 1\0\0\0");
      message(out, 'B', "\0\0\0\0\0\0\0\0");
      message(out, 'E', "\0\0\0\0\0");
    }
    message(out, 'S', "");
    message(out, 'Q', "select 2\0");
    return bytes.toByteArray();
  }

  private static void message(DataOutputStream out, char type, String body) throws IOException {
    byte[] payload = body.getBytes(StandardCharsets.US_ASCII);
    out.writeByte(type);
    out.writeInt(4 + payload.length);
    out.write(payload);
  }
}
