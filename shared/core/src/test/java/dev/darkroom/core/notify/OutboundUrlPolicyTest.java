package dev.darkroom.core.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OutboundUrlPolicyTest {
  private static final Map<String, String> DNS = Map.of(
      "hooks.example.com", "93.184.215.14",
      "rebind.example.com", "10.0.0.7",
      "localhost", "127.0.0.1");

  private static InetAddress[] resolve(String host) throws UnknownHostException {
    String ip = DNS.getOrDefault(host, host);
    if (!Character.isDigit(ip.charAt(0)) && !ip.contains(":")) {
      throw new UnknownHostException(host);
    }
    return new InetAddress[] {InetAddress.getByName(ip)};
  }

  private final OutboundUrlPolicy strict = new OutboundUrlPolicy(false, OutboundUrlPolicyTest::resolve);
  private final OutboundUrlPolicy local = new OutboundUrlPolicy(true, OutboundUrlPolicyTest::resolve);

  @Test
  void aPublicHttpsUrlIsAllowed() {
    assertThat(strict.refusal(URI.create("https://hooks.example.com/darkroom"))).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "http://127.0.0.1:8080/", "http://localhost/", "http://[::1]/", "http://10.1.2.3/", "http://172.16.0.1/",
      "http://192.168.1.1/", "http://169.254.169.254/computeMetadata/v1/", "http://metadata.google.internal/",
      "http://[fd00::1]/", "http://[fe80::1]/", "http://100.64.0.1/", "http://0.0.0.0/", "http://[::ffff:10.0.0.1]/",
      "https://rebind.example.com/", "ftp://hooks.example.com/", "https://user:pw@hooks.example.com/",
      "https://nowhere.invalid/"})
  void internalAndMetadataAddressesAreRefused(String url) {
    assertThat(strict.refusal(URI.create(url))).isPresent();
  }

  @Test
  void theLocalSwitchAllowsLoopbackAndNothingElse() {
    assertThat(local.refusal(URI.create("http://127.0.0.1:8080/hook"))).isEmpty();
    assertThat(local.refusal(URI.create("http://169.254.169.254/"))).isPresent();
    assertThat(local.refusal(URI.create("http://10.0.0.1/"))).isPresent();
  }
}
