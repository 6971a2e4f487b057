package dev.darkroom.gcp;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.darkroom.core.notify.OutboundUrlPolicy;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small internet for {@link OutboundHttp} tests, all on 127.0.0.1 and nothing outside: an
 * "internal service" and a "public site" (two JDK HTTP servers), a DNS (the policy's resolver) and
 * the wiring between them (the client's {@link CheckedSocketFactory.Network}, below the policy's
 * check). The public test address {@value #PUBLIC_IP} leads to the public site (and {@value
 * #DOWN_IP} to a closed port); EVERY other address (127.0.0.1, 10.0.0.7, 169.254.169.254, fd00::1, ...) leads to the internal service. So
 * an internal address that got past the checks arrives at the internal service and is counted, and
 * the tests run with {@code allowLoopback=false} throughout: no test needs to open loopback to
 * reach the "public" site.
 */
final class FakeInternet implements AutoCloseable {
  static final String PUBLIC_IP = "203.0.113.10";
  static final String PUBLIC_HOST = "public.test.example";
  /** A public test address where nothing listens (a receiver that is down). */
  static final String DOWN_IP = "203.0.113.99";

  final Site internal = new Site("internal", this::internalService);
  final Site publicSite = new Site("public", this::publicSite);
  private final Map<String, List<List<InetAddress>>> dns = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> lookups = new ConcurrentHashMap<>();
  final CountDownLatch releaseHangingRequests = new CountDownLatch(1);

  FakeInternet() {
    answer(PUBLIC_HOST, PUBLIC_IP);
    answer("other.test.example", PUBLIC_IP);
    answer("localhost", "127.0.0.1");
    answer("down.test.example", DOWN_IP);
  }

  /** {@code name} resolves to these addresses, all at once. */
  FakeInternet answer(String name, String... addresses) {
    dns.put(key(name), List.of(parse(addresses)));
    return this;
  }

  /** {@code name} answers {@code first} to its first lookup and {@code then} to every later one. */
  FakeInternet rebinding(String name, String first, String then) {
    dns.put(key(name), List.of(parse(first), parse(then)));
    return this;
  }

  int lookups(String name) {
    return lookups.getOrDefault(key(name), new AtomicInteger()).get();
  }

  /** The DNS: the names given above; IP literals are parsed (never looked up); anything else is unknown. */
  InetAddress[] resolve(String host) throws UnknownHostException {
    String name = key(host);
    List<List<InetAddress>> answers = dns.get(name);
    if (answers == null) {
      if (name.contains(":") || name.matches("[0-9.]+")) {
        return new InetAddress[] {InetAddress.getByName(name)};
      }
      throw new UnknownHostException(host);
    }
    int n = lookups.computeIfAbsent(name, k -> new AtomicInteger()).getAndIncrement();
    return answers.get(Math.min(n, answers.size() - 1)).toArray(InetAddress[]::new);
  }

  OutboundUrlPolicy policy(boolean allowLoopback) {
    return new OutboundUrlPolicy(allowLoopback, this::resolve);
  }

  OutboundHttp client(boolean allowLoopback) {
    return new OutboundHttp(policy(allowLoopback), this::route);
  }

  /**
   * The wire: the public test address to the public site, the "down" one to a port where nothing
   * listens, every other address to the internal service.
   */
  InetSocketAddress route(InetSocketAddress checked) {
    String address = checked.getAddress().getHostAddress();
    int port = address.equals(PUBLIC_IP) ? publicSite.port() : address.equals(DOWN_IP) ? 1 : internal.port();
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
  }

  /** A URL on the public site (port 80, which the wire takes to the public server). */
  static String publicUrl(String pathAndQuery) {
    return "http://" + PUBLIC_HOST + pathAndQuery;
  }

  /** A URL on the public site that answers {@code code} with {@code Location: target}. */
  static String redirect(int code, String target) {
    return publicUrl("/redirect?code=" + code + "&to=" + URLEncoder.encode(target, StandardCharsets.UTF_8));
  }

  @Override
  public void close() {
    releaseHangingRequests.countDown();
    internal.close();
    publicSite.close();
  }

  private void internalService(HttpExchange exchange) throws IOException {
    send(exchange, 200, "the internal service's secrets");
  }

  private void publicSite(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
    if (path.equals("/redirect")) {
      exchange.getResponseHeaders().set("location", query.get("to"));
      exchange.sendResponseHeaders(Integer.parseInt(query.get("code")), -1);
      exchange.close();
    } else if (path.startsWith("/hops/")) {
      int left = Integer.parseInt(path.substring("/hops/".length()));
      if (left == 0) {
        send(exchange, 200, "arrived");
      } else {
        exchange.getResponseHeaders().set("location", "/hops/" + (left - 1));
        exchange.sendResponseHeaders(302, -1);
        exchange.close();
      }
    } else if (path.startsWith("/bytes/") || path.startsWith("/chunked/")) {
      byte[] body = new byte[Integer.parseInt(path.substring(path.lastIndexOf('/') + 1))];
      Arrays.fill(body, (byte) 'x');
      exchange.sendResponseHeaders(200, path.startsWith("/bytes/") ? body.length : 0);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    } else if (path.equals("/cookie")) {
      exchange.getResponseHeaders().set("set-cookie", "session=secret; Path=/");
      send(exchange, 200, "have a cookie");
    } else if (path.equals("/hang")) {
      try {
        releaseHangingRequests.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      send(exchange, 200, "too late");
    } else {
      send(exchange, 200, "hello from the public site");
    }
  }

  private static void send(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("content-type", "text/plain");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> query = new HashMap<>();
    if (raw != null) {
      for (String pair : raw.split("&")) {
        int eq = pair.indexOf('=');
        query.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return query;
  }

  private static String key(String host) {
    String name = host.toLowerCase(Locale.ROOT);
    if (name.startsWith("[") && name.endsWith("]")) {
      name = name.substring(1, name.length() - 1);
    }
    return name.replaceAll("\\.+$", "");
  }

  private static List<InetAddress> parse(String... addresses) {
    List<InetAddress> parsed = new ArrayList<>();
    for (String address : addresses) {
      try {
        parsed.add(InetAddress.getByName(address));
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException(address, e);
      }
    }
    return parsed;
  }

  /** One HTTP server on 127.0.0.1 that counts and records what reaches it. */
  static final class Site implements AutoCloseable {
    interface Handler {
      void handle(HttpExchange exchange) throws IOException;
    }

    /** What one request looked like when it arrived. */
    record Arrival(String method, String path, Map<String, List<String>> headers, byte[] body) {
      /** The header's first value, or null; names compare ignoring case. */
      String header(String name) {
        return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
            .map(e -> e.getValue().get(0)).findFirst().orElse(null);
      }
    }

    final List<Arrival> arrivals = new CopyOnWriteArrayList<>();
    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();

    Site(String name, Handler handler) {
      try {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      } catch (IOException e) {
        throw new IllegalStateException("cannot start the " + name + " test server", e);
      }
      server.createContext("/", exchange -> {
        arrivals.add(new Arrival(exchange.getRequestMethod(), exchange.getRequestURI().toString(),
            Map.copyOf(exchange.getRequestHeaders()), exchange.getRequestBody().readAllBytes()));
        // A new connection, and so a new lookup, for every request: what DNS rebinding needs.
        exchange.getResponseHeaders().set("connection", "close");
        handler.handle(exchange);
      });
      server.setExecutor(threads);
      server.start();
    }

    int port() {
      return server.getAddress().getPort();
    }

    int requests() {
      return arrivals.size();
    }

    @Override
    public void close() {
      server.stop(0);
      threads.shutdownNow();
    }
  }
}
