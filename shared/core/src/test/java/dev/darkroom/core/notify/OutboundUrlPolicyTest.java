package dev.darkroom.core.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;
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
    String ip = DNS.getOrDefault(host.toLowerCase(Locale.ROOT).replaceAll("\\.$", ""), host);
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
      "https://nowhere.invalid/", "file:///etc/passwd", "gopher://hooks.example.com/", "http://localhost./",
      "http://foo.localhost/", "http://METADATA.GOOGLE.INTERNAL./", "http://metadata/", "http://metadata.goog/",
      "http://vm.europe-west1-b.c.project.internal/", "http://intranet/", "http://2130706433/", "http://0x7f000001/",
      "http://0177.0.0.1/", "http://127.1/", "http://0x7f.1/", "http://127.0.0.1./", "http://010.0.0.1/",
      "http://hooks.example.123/", "http://192.0.0.8/", "http://198.18.0.1/", "http://198.19.255.255/",
      "http://224.0.0.1/", "http://255.255.255.255/", "http://240.0.0.1/", "http://[::]/", "http://[::ffff:127.0.0.1]/",
      "http://[::ffff:169.254.169.254]/", "http://[::127.0.0.1]/", "http://[64:ff9b::a9fe:a9fe]/",
      "http://[64:ff9b:1::1]/", "http://[2002:a00:1::]/", "http://[2002:7f00:1::1]/", "http://[2001:0:4136:e378::1]/",
      "http://[fc00::1]/", "http://[febf::1]/", "http://[fec0::1]/", "http://[ff02::1]/", "http://[fe80::1%251]/",
      "http://\u24dbocalhost/"})
  void internalAndMetadataAddressesAreRefused(String url) {
    assertThat(strict.refusal(URI.create(url))).isPresent();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "https://hooks.example.com./darkroom", "HTTPS://HOOKS.EXAMPLE.COM/", "http://93.184.215.14/", "http://8.8.8.8/",
      "http://172.32.0.1/", "http://100.128.0.1/", "http://198.20.0.1/", "http://[2606:4700:4700::1111]/",
      "http://[2002:808:808::1]/", "http://[64:ff9b::808:808]/"})
  void publicAddressesAndNamesAreAllowed(String url) {
    assertThat(strict.refusal(URI.create(url))).isEmpty();
  }

  @Test
  void aNameIsRefusedIfAnyOfItsAddressesIsAndTheReasonSaysWhich() throws UnknownHostException {
    OutboundUrlPolicy mixed = new OutboundUrlPolicy(false, host -> new InetAddress[] {
        InetAddress.getByName("93.184.215.14"), InetAddress.getByName("10.0.0.8")});

    assertThat(mixed.lookUp("hooks.example.com").refusal())
        .isEqualTo("hooks.example.com resolves to 10.0.0.8, a private address");
    assertThat(mixed.lookUp("hooks.example.com").addresses()).isEmpty();
    assertThat(strict.lookUp("hooks.example.com").addresses())
        .containsExactly(InetAddress.getByName("93.184.215.14"));
  }

  @Test
  void numericHostsOtherThanAPlainDottedQuadSayWhy() {
    assertThat(strict.refusal(URI.create("http://2130706433/")))
        .contains("2130706433 spells an IPv4 address ambiguously (only a plain dotted quad is allowed)");
  }

  @Test
  void theLocalSwitchAllowsLoopbackAndNothingElse() {
    assertThat(local.refusal(URI.create("http://127.0.0.1:8080/hook"))).isEmpty();
    assertThat(local.refusal(URI.create("http://127.9.9.9:8080/hook"))).isEmpty();
    assertThat(local.refusal(URI.create("http://[::1]:8080/hook"))).isEmpty();
    assertThat(local.refusal(URI.create("http://localhost:8080/hook"))).isEmpty();
    assertThat(local.refusal(URI.create("http://[::ffff:127.0.0.1]:8080/hook"))).isEmpty();
    // Wrapped in NAT64 or 6to4, 127.0.0.1 leaves the machine: still refused.
    assertThat(local.refusal(URI.create("http://[64:ff9b::7f00:1]/"))).isPresent();
    assertThat(local.refusal(URI.create("http://[2002:7f00:1::]/"))).isPresent();
    assertThat(local.refusal(URI.create("http://2130706433/"))).isPresent();
    assertThat(local.refusal(URI.create("http://[fd00::1]/"))).isPresent();
    assertThat(local.refusal(URI.create("http://169.254.169.254/"))).isPresent();
    assertThat(local.refusal(URI.create("http://10.0.0.1/"))).isPresent();
  }
}
