package dev.darkroom.gcp;

import dev.darkroom.core.notify.OutboundUrlPolicy;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.util.Optional;
import javax.net.SocketFactory;

/**
 * Sockets that check the {@link OutboundUrlPolicy} on the address they are about to connect to,
 * before the SYN. This is the check nothing gets around: OkHttp does not ask its {@code Dns} about
 * IP literals ({@code 127.0.0.1}, {@code [::1]}, {@code 2130706433}), but it connects every socket
 * through here. For a name, it sees the very addresses the {@code Dns} checked.
 */
final class CheckedSocketFactory extends SocketFactory {
  /**
   * Where a checked address is dialled: the address itself in production. Tests put a fake
   * internet here (public test addresses to one local server, everything else to another), below
   * the check, so that an internal address that got through would be seen arriving.
   */
  interface Network {
    Network DIRECT = checked -> checked;

    InetSocketAddress route(InetSocketAddress checked);
  }

  private final OutboundUrlPolicy policy;
  private final Network network;

  CheckedSocketFactory(OutboundUrlPolicy policy, Network network) {
    this.policy = policy;
    this.network = network;
  }

  @Override
  public Socket createSocket() {
    return new CheckedSocket();
  }

  @Override
  public Socket createSocket(String host, int port) throws IOException {
    return connected(new InetSocketAddress(host, port));
  }

  @Override
  public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
    return connected(new InetSocketAddress(host, port));
  }

  @Override
  public Socket createSocket(InetAddress host, int port) throws IOException {
    return connected(new InetSocketAddress(host, port));
  }

  @Override
  public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
      throws IOException {
    return connected(new InetSocketAddress(address, port));
  }

  private Socket connected(InetSocketAddress target) throws IOException {
    Socket socket = new CheckedSocket();
    try {
      socket.connect(target);
    } catch (IOException e) {
      socket.close();
      throw e;
    }
    return socket;
  }

  private final class CheckedSocket extends Socket {
    @Override
    public void connect(SocketAddress endpoint, int timeout) throws IOException {
      if (!(endpoint instanceof InetSocketAddress target) || target.isUnresolved()) {
        throw new OutboundRefusedException("refusing to connect to an unresolved address " + endpoint);
      }
      Optional<String> refusal = policy.refusal(target.getAddress());
      if (refusal.isPresent()) {
        throw new OutboundRefusedException(target.getAddress().getHostAddress() + " is " + refusal.get());
      }
      super.connect(network.route(target), timeout);
    }
  }
}
