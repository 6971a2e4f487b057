package dev.darkroom.core.port;

/**
 * A backend behind a port said "not now": a contended transaction, an overloaded or unreachable
 * service, a deadline or a quota. The same call may succeed when retried shortly, so a caller
 * answers "retry later" (HTTP 503, or a nack) rather than failing for good. Adapters translate
 * their technology's errors into it, so nothing above them inspects a client library's exceptions.
 */
public final class StoreUnavailableException extends RuntimeException {

  public StoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
