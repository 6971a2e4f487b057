package dev.darkroom.gcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.darkroom.core.auth.AuthFailure;
import dev.darkroom.core.port.IdTokenVerifier;

/** How the ID-token tests see a refusal: an {@link AuthFailure} that never repeats the token. */
final class TokenRefusals {
  private TokenRefusals() {}

  static AuthFailure refusal(IdTokenVerifier verifier, String token) {
    AuthFailure failure = catchThrowableOfType(AuthFailure.class, () -> verifier.verify(token, "free"));
    assertThat(failure).as("refused").isNotNull();
    if (token != null && !token.isEmpty()) {
      assertThat(failure.getMessage()).doesNotContain(token);
      assertThat(String.valueOf(failure.getCause())).doesNotContain(token);
    }
    return failure;
  }
}
