package dev.darkroom.gcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.api.core.ApiFutures;
import com.google.api.gax.grpc.GrpcStatusCode;
import com.google.api.gax.rpc.ApiExceptionFactory;
import dev.darkroom.core.port.StoreUnavailableException;
import io.grpc.Status;
import org.junit.jupiter.api.Test;

class GoogleErrorsTest {

  private static RuntimeException api(Status.Code code) {
    return ApiExceptionFactory.createException("from Google", null, GrpcStatusCode.of(code), false);
  }

  @Test
  void failuresARetryMayCureBecomeStoreUnavailableAndEveryOtherStaysItself() {
    for (Status.Code code : new Status.Code[] {
        Status.Code.ABORTED, Status.Code.UNAVAILABLE, Status.Code.DEADLINE_EXCEEDED, Status.Code.RESOURCE_EXHAUSTED}) {
      RuntimeException wrapped = new IllegalStateException("publishing failed", api(code));
      assertThat(GoogleErrors.translated(wrapped)).as("%s", code)
          .isInstanceOf(StoreUnavailableException.class).hasCause(wrapped);
    }
    RuntimeException bug = new IllegalStateException("a bug");
    assertThat(GoogleErrors.translated(bug)).isSameAs(bug);
    RuntimeException denied = new IllegalStateException(api(Status.Code.PERMISSION_DENIED));
    assertThat(GoogleErrors.translated(denied)).isSameAs(denied);
  }

  @Test
  void aFirestoreCallThatWasAbortedIsStoreUnavailableAndOneThatWasDeniedIsThrownAsItIs() {
    assertThatThrownBy(() -> FirestoreJobStore.await(ApiFutures.immediateFailedFuture(api(Status.Code.ABORTED))))
        .isInstanceOf(StoreUnavailableException.class);
    RuntimeException denied = api(Status.Code.PERMISSION_DENIED);
    assertThatThrownBy(() -> FirestoreJobStore.await(ApiFutures.immediateFailedFuture(denied))).isSameAs(denied);
  }
}
