package dev.darkroom.bench.api;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.HandlerRegistry;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * A plaintext gRPC relay on 127.0.0.1 in front of an emulator (Firestore, Pub/Sub): any method,
 * any call shape (unary, streaming both ways), messages passed through as bytes and shown to an
 * {@link RpcTally} on the way. A process given this relay's address as its emulator host is
 * counted without any change to its code.
 */
public final class CountingGrpcProxy implements AutoCloseable {
  private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  };

  private final ManagedChannel upstream;
  private final Server server;
  private final RpcTally tally;

  private CountingGrpcProxy(String targetHostPort, RpcTally tally) throws IOException {
    this.tally = tally;
    this.upstream = ManagedChannelBuilder.forTarget(targetHostPort).usePlaintext().build();
    this.server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .fallbackHandlerRegistry(new AnyMethod())
        .maxInboundMessageSize(Integer.MAX_VALUE)
        .build()
        .start();
  }

  /** A relay to {@code targetHostPort} (host:port, plaintext), counting into {@code tally}. */
  public static CountingGrpcProxy start(String targetHostPort, RpcTally tally) {
    try {
      return new CountingGrpcProxy(targetHostPort, tally);
    } catch (IOException e) {
      throw new UncheckedIOException("the counting relay to " + targetHostPort + " did not start", e);
    }
  }

  /** host:port to give a client as its emulator host. */
  public String hostPort() {
    return "127.0.0.1:" + server.getPort();
  }

  @Override
  public void close() throws InterruptedException {
    server.shutdownNow();
    upstream.shutdownNow();
    server.awaitTermination(5, TimeUnit.SECONDS);
    upstream.awaitTermination(5, TimeUnit.SECONDS);
  }

  /** Every method name resolves to a byte-passing relay of that method. */
  private final class AnyMethod extends HandlerRegistry {
    @Override
    public ServerMethodDefinition<?, ?> lookupMethod(String methodName, String authority) {
      MethodDescriptor<byte[], byte[]> method = MethodDescriptor.<byte[], byte[]>newBuilder()
          .setFullMethodName(methodName)
          .setType(MethodDescriptor.MethodType.UNKNOWN)
          .setRequestMarshaller(BYTES)
          .setResponseMarshaller(BYTES)
          .build();
      return ServerMethodDefinition.create(method, new Relay(method));
    }
  }

  /**
   * One call in, one call out. gRPC calls are not thread-safe except {@code request}: the server
   * side is driven only from the upstream listener, the upstream call only from the server listener.
   */
  private final class Relay implements ServerCallHandler<byte[], byte[]> {
    private final MethodDescriptor<byte[], byte[]> method;

    Relay(MethodDescriptor<byte[], byte[]> method) {
      this.method = method;
    }

    @Override
    public ServerCall.Listener<byte[]> startCall(ServerCall<byte[], byte[]> incoming, Metadata headers) {
      String name = method.getFullMethodName();
      tally.call(name);
      ClientCall<byte[], byte[]> outgoing = upstream.newCall(method, CallOptions.DEFAULT);
      outgoing.start(new ClientCall.Listener<>() {
        @Override
        public void onHeaders(Metadata responseHeaders) {
          incoming.sendHeaders(responseHeaders);
        }

        @Override
        public void onMessage(byte[] message) {
          tally.response(name, message);
          incoming.sendMessage(message);
          outgoing.request(1);
        }

        @Override
        public void onClose(Status status, Metadata trailers) {
          incoming.close(status, trailers);
        }
      }, headers);
      outgoing.request(1);
      incoming.request(1);
      return new ServerCall.Listener<>() {
        @Override
        public void onMessage(byte[] message) {
          tally.request(name, message);
          outgoing.sendMessage(message);
          incoming.request(1);
        }

        @Override
        public void onHalfClose() {
          outgoing.halfClose();
        }

        @Override
        public void onCancel() {
          outgoing.cancel("the client cancelled", null);
        }
      };
    }
  }
}
