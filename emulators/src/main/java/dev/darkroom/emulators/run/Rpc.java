package dev.darkroom.emulators.run;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Answers unary calls: a StatusRuntimeException is the client's error, anything else a bug (INTERNAL). */
final class Rpc {
  private static final Logger log = LoggerFactory.getLogger(CloudRunJobsEmulator.class);
  /** The page size Cloud Run uses when a list request sets none. */
  private static final int DEFAULT_PAGE_SIZE = 100;

  private Rpc() {}

  static <T> void answer(StreamObserver<T> observer, Supplier<T> call) {
    T result;
    try {
      result = call.get();
    } catch (StatusRuntimeException e) {
      observer.onError(e);
      return;
    } catch (RuntimeException e) {
      log.error("emulator bug answering a call", e);
      observer.onError(Status.INTERNAL.withDescription("emulator error: " + e).withCause(e).asRuntimeException());
      return;
    }
    observer.onNext(result);
    observer.onCompleted();
  }

  record Page<T>(List<T> items, String nextPageToken) {}

  /** Page tokens are offsets: opaque to clients, which is all the API promises. */
  static <T> Page<T> page(List<T> all, int pageSize, String pageToken) {
    if (pageSize < 0) {
      throw ResourceNames.invalid("page_size must not be negative");
    }
    int size = pageSize == 0 ? DEFAULT_PAGE_SIZE : pageSize;
    int offset;
    try {
      offset = pageToken.isEmpty() ? 0 : Integer.parseInt(pageToken);
    } catch (NumberFormatException e) {
      throw ResourceNames.invalid("invalid page_token '" + pageToken + "'");
    }
    if (offset < 0 || offset > all.size()) {
      throw ResourceNames.invalid("invalid page_token '" + pageToken + "'");
    }
    int end = Math.min(all.size(), offset + size);
    return new Page<>(all.subList(offset, end), end < all.size() ? Integer.toString(end) : "");
  }
}
