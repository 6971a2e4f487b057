package dev.darkroom.functions.api.http;

import com.google.cloud.functions.HttpRequest;
import dev.darkroom.core.auth.AuthFailure;
import dev.darkroom.core.auth.Caller;
import dev.darkroom.core.usecase.Authenticator;

/** Who is calling: the request's credential, checked by the {@link Authenticator}. */
@FunctionalInterface
public interface Callers {

  /** @throws AuthFailure when the request must be refused with 401 (503 when Firebase cannot be asked) */
  Caller callerOf(HttpRequest request) throws AuthFailure;

  static Callers of(Authenticator authenticator) {
    return request -> authenticator.authenticate(
        request.getFirstHeader("Authorization").orElse(null), request.getFirstHeader("X-API-Key").orElse(null));
  }
}
