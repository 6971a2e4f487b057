package dev.darkroom.functions.api;

import com.google.cloud.functions.HttpRequest;
import java.util.Optional;

/** Who is calling. Authentication proper (Firebase ID tokens, API keys) comes with issue 8. */
interface Callers {

  /** The caller's user id, or empty when the request must be refused with 401. */
  Optional<String> userOf(HttpRequest request);

  /** Every call is the one local user: only for a stack bound to loopback (DARKROOM_AUTH=off). */
  static Callers localUserOnly() {
    return request -> Optional.of("local");
  }
}
