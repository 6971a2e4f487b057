package dev.darkroom.functions.api.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.functions.HttpRequest;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ClientAddressTest {

  /** A request with these X-Forwarded-For lines (the header's name as a client might spell it). */
  private static HttpRequest forwardedFor(String... lines) {
    Map<String, List<String>> headers = new TreeMap<>();
    if (lines.length > 0) {
      headers.put("x-forwarded-for", List.of(lines));
    }
    return (HttpRequest) Proxy.newProxyInstance(HttpRequest.class.getClassLoader(), new Class<?>[] {HttpRequest.class},
        (proxy, method, args) -> {
          if (method.getName().equals("getHeaders")) {
            return headers;
          }
          throw new UnsupportedOperationException(method.getName());
        });
  }

  @Test
  void behindTheLoadBalancerTheClientIsTheEntryBeforeTheLoadBalancersOwn() {
    ClientAddress behindLoadBalancer = new ClientAddress(1);

    assertThat(behindLoadBalancer.of(forwardedFor("203.0.113.7, 34.120.0.1"))).contains("203.0.113.7");
    assertThat(behindLoadBalancer.of(forwardedFor("1.2.3.4, 5.6.7.8,203.0.113.7,34.120.0.1")))
        .as("what the client wrote itself is ignored").contains("203.0.113.7");
    assertThat(behindLoadBalancer.of(forwardedFor("1.2.3.4", "203.0.113.7, 34.120.0.1")))
        .as("several header lines are one list").contains("203.0.113.7");
    assertThat(behindLoadBalancer.of(forwardedFor("203.0.113.7"))).as("fewer entries: the left-most")
        .contains("203.0.113.7");
  }

  @Test
  void withoutAProxyOfOursTheClientIsTheRightMostEntry() {
    assertThat(new ClientAddress(0).of(forwardedFor("1.2.3.4, 2001:db8::1"))).contains("2001:db8::1");
  }

  @Test
  void anEntryThatIsNoAddressIsCutShort() {
    assertThat(new ClientAddress(0).of(forwardedFor("x".repeat(3000)))).contains("x".repeat(ClientAddress.MAX_ADDRESS_LENGTH));
  }

  @Test
  void noHeaderOrAnEmptyEntryIsNoAddress() {
    assertThat(new ClientAddress(0).of(forwardedFor())).isEmpty();
    assertThat(new ClientAddress(0).of(forwardedFor("1.2.3.4, "))).isEmpty();
  }
}
