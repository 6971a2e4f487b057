package dev.darkroom.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.darkroom.core.auth.AllowedOrigins;
import org.junit.jupiter.api.Test;

class PageOriginsTest {
  private final AllowedOrigins studio = AllowedOrigins.parse("https://studio.example.com", false);

  @Test
  void anUpgradeFromNoPageOrAnAllowedOneProceeds() {
    PageOrigins pages = new PageOrigins(studio, false);
    assertThat(pages.admits(null, "darkroom.example.com")).isTrue();
    assertThat(pages.admits("https://studio.example.com", "darkroom.example.com")).isTrue();
    assertThat(pages.admits("https://evil.example.net", "darkroom.example.com")).isFalse();
  }

  @Test
  void aPageOfTheGatewaysOwnHostProceedsOnlyWhereTheHostCanBeTrusted() {
    PageOrigins deployed = new PageOrigins(studio, true);
    assertThat(deployed.admits("https://darkroom.example.com", "darkroom.example.com")).isTrue();
    assertThat(deployed.admits("https://darkroom.example.com", "Darkroom.Example.com:443")).isTrue();
    assertThat(deployed.admits("http://darkroom.example.com:8080", "darkroom.example.com:8080")).isTrue();
    assertThat(deployed.admits("https://darkroom.example.com", "darkroom.example.com:8443")).isFalse();
    assertThat(deployed.admits("https://evil.example.net", "darkroom.example.com")).isFalse();
    assertThat(deployed.admits("null", "null")).isFalse();
    assertThat(deployed.admits("https://darkroom.example.com", null)).isFalse();

    PageOrigins local = new PageOrigins(studio, false);
    assertThat(local.admits("http://rebound.evil.example:8188", "rebound.evil.example:8188"))
        .as("DNS rebinding onto an unauthenticated gateway").isFalse();
  }
}
