package dev.darkroom.core.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AllowedOriginsTest {

  @Test
  void allowsExactlyTheConfiguredOrigins() {
    AllowedOrigins origins = AllowedOrigins.parse(" https://app.example.com, http://studio.example:8080 ,", false);

    assertThat(origins.exact()).containsExactlyInAnyOrder("https://app.example.com", "http://studio.example:8080");
    assertThat(origins.allows("https://app.example.com")).isTrue();
    assertThat(origins.allows("http://studio.example:8080")).isTrue();
    assertThat(origins.allows("http://app.example.com")).as("another scheme is another origin").isFalse();
    assertThat(origins.allows("https://app.example.com:8443")).as("another port").isFalse();
    assertThat(origins.allows("https://evil.app.example.com")).as("a subdomain").isFalse();
    assertThat(origins.allows("https://app.example.com.evil.test")).isFalse();
    assertThat(origins.allows("null")).isFalse();
    assertThat(origins.allows(null)).as("no Origin header").isFalse();
  }

  @Test
  void aBlankListAllowsNoOrigin() {
    assertThat(AllowedOrigins.parse("", false).allows("https://app.example.com")).isFalse();
    assertThat(AllowedOrigins.none().allows("http://127.0.0.1:8188")).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://127.0.0.1:8188", "http://localhost:5173", "http://[::1]:3000", "http://localhost"})
  void onTheLocalStackAnyLoopbackPageIsAllowed(String origin) {
    assertThat(AllowedOrigins.parse("", true).allows(origin)).isTrue();
    assertThat(AllowedOrigins.parse("", false).allows(origin)).as("not in the cloud").isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://127.0.0.2:8188", "https://localhost:5173", "http://localhost.evil.test",
      "http://127.0.0.1.evil.test:80", "http://localhost:5173/", "http://127.0.0.1:8188@evil.test"})
  void loopbackMeansExactlyThisMachinesLoopbackNames(String origin) {
    assertThat(AllowedOrigins.parse("", true).allows(origin)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"*", "null", "app.example.com", "https://app.example.com/", "https://app.example.com/app",
      "ftp://app.example.com", "https://App.Example.com", "https://app.example.com:443", "http://app.example.com:80",
      "https://user@app.example.com", "https://app.example.com?x=1", "https://"})
  void anEntryNoBrowserWouldSendIsRefusedNamingIt(String entry) {
    assertThatThrownBy(() -> AllowedOrigins.parse("https://ok.example.com," + entry, false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + entry + "'");
  }
}
