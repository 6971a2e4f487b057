package dev.darkroom.gcp;

import com.google.api.gax.rpc.ApiException;
import com.google.api.gax.rpc.StatusCode;
import dev.darkroom.core.port.StoreUnavailableException;

/** Google API failures turned into core's exceptions at the adapter, where their types belong. */
final class GoogleErrors {
  private GoogleErrors() {}

  /**
   * {@code error} as callers above the adapters should see it: a {@link StoreUnavailableException}
   * when a Google API failure anywhere in its causes is one a retry may cure (aborted, unavailable,
   * out of time or out of quota), else {@code error} itself.
   */
  static RuntimeException translated(RuntimeException error) {
    ApiException api = apiCause(error);
    return api != null && retryable(api) ? new StoreUnavailableException(error.toString(), error) : error;
  }

  /** As {@link #translated(RuntimeException)}, for a failure not yet a runtime exception (a future's cause). */
  static RuntimeException translatedCause(Throwable error) {
    RuntimeException runtime = error instanceof RuntimeException r ? r : new IllegalStateException(error);
    return translated(runtime);
  }

  /**
   * Whether a write that replaces what it writes whole (so applying it twice is applying it once)
   * may be sent again after {@code error}: what {@link #translated} calls retryable, and
   * {@code UNKNOWN}, where the store cannot say whether the write was applied.
   */
  static boolean mayResendIdempotentWrite(Throwable error) {
    ApiException api = apiCause(error);
    return api != null && (retryable(api) || api.getStatusCode().getCode() == StatusCode.Code.UNKNOWN);
  }

  private static ApiException apiCause(Throwable error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof ApiException api) {
        return api;
      }
    }
    return null;
  }

  private static boolean retryable(ApiException api) {
    return switch (api.getStatusCode().getCode()) {
      case ABORTED, UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED -> true;
      default -> false;
    };
  }
}
