package dev.darkroom.gcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.api.gax.core.FixedCredentialsProvider;
import com.google.api.gax.grpc.InstantiatingGrpcChannelProvider;
import com.google.api.gax.rpc.ApiException;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.FirestoreOptions;
import dev.darkroom.core.job.LiveFrame;
import dev.darkroom.core.job.LiveWindow;
import dev.darkroom.core.port.JobLiveStream;
import dev.darkroom.emulators.google.FirestoreEmulator;
import dev.darkroom.testing.JobLiveStreamContract;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The Firestore adapter passes the same contract as the in-memory fake, on Google's emulator. */
class FirestoreJobLiveStreamIT extends JobLiveStreamContract {
  private static final String COLLECTION = "jobs_live";

  @Override
  protected JobLiveStream stream() {
    return SharedLocalCloud.adapters().jobLive();
  }

  /**
   * A commit that ends {@code UNKNOWN} may or may not have been applied; the window is a whole
   * replacement, so sending it again is safe, and a follower must not miss it for a store hiccup
   * (the emulator answered one write of this class so in a full run).
   */
  @Test
  void aWriteWhoseCommitEndsUnknownIsSentAgain() throws Exception {
    CommitFaults faults = new CommitFaults(Status.UNKNOWN, 1);
    String job = "live-unknown-" + UUID.randomUUID();
    LiveWindow window = new LiveWindow(1, List.of(LiveFrame.text(1, "{\"type\":\"executing\"}", "3")), false);
    try (Firestore firestore = withFaults(faults)) {
      new FirestoreJobLiveStream(firestore, COLLECTION).write(job, window);
    }
    assertThat(faults.commits.get()).as("the failed commit and its retry").isEqualTo(2);
    Firestore plain = SharedLocalCloud.adapters().clients().firestore();
    assertThat(plain.collection(COLLECTION).document(job).get().get().getLong("run")).isEqualTo(1L);
  }

  @Test
  void aWriteTheStoreRefusesIsNotSentAgain() throws Exception {
    CommitFaults faults = new CommitFaults(Status.PERMISSION_DENIED, Integer.MAX_VALUE);
    try (Firestore firestore = withFaults(faults)) {
      JobLiveStream stream = new FirestoreJobLiveStream(firestore, COLLECTION);
      assertThatThrownBy(() -> stream.write("live-refused-" + UUID.randomUUID(), LiveWindow.NONE))
          .hasRootCauseInstanceOf(io.grpc.StatusRuntimeException.class)
          .satisfies(e -> assertThat(apiCode(e)).isEqualTo(com.google.api.gax.rpc.StatusCode.Code.PERMISSION_DENIED));
    }
    assertThat(faults.commits.get()).as("one commit, not retried").isEqualTo(1);
  }

  private static com.google.api.gax.rpc.StatusCode.Code apiCode(Throwable error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof ApiException api) {
        return api.getStatusCode().getCode();
      }
    }
    return null;
  }

  /** A Firestore client on the emulator whose first {@code failing} commits end with {@code status}, unsent. */
  private static Firestore withFaults(CommitFaults faults) {
    String host = SharedLocalCloud.cloud().environment().get(FirestoreEmulator.HOST_VARIABLE);
    return FirestoreOptions.newBuilder().setProjectId(SharedLocalCloud.adapters().clients().projectId())
        .setHost(host)
        .setCredentialsProvider(FixedCredentialsProvider.create(new FirestoreOptions.EmulatorCredentials()))
        .setChannelProvider(InstantiatingGrpcChannelProvider.newBuilder().setEndpoint(host)
            .setChannelConfigurator(ManagedChannelBuilder::usePlaintext)
            .setInterceptorProvider(() -> List.of(faults)).build())
        .build().getService();
  }

  /** Counts commits, and ends the first {@code failing} of them with {@code status} without sending them. */
  private static final class CommitFaults implements ClientInterceptor {
    final AtomicInteger commits = new AtomicInteger();
    private final Status status;
    private final int failing;

    CommitFaults(Status status, int failing) {
      this.status = status;
      this.failing = failing;
    }

    @Override
    public <Q, A> ClientCall<Q, A> interceptCall(MethodDescriptor<Q, A> method, CallOptions options, Channel next) {
      if (!method.getFullMethodName().equals("google.firestore.v1.Firestore/Commit")
          || commits.incrementAndGet() > failing) {
        return next.newCall(method, options);
      }
      return new ClientCall<>() {
        @Override
        public void start(Listener<A> listener, Metadata headers) {
          listener.onClose(status.withDescription("injected by the test"), new Metadata());
        }

        @Override
        public void request(int count) {}

        @Override
        public void cancel(String message, Throwable cause) {}

        @Override
        public void halfClose() {}

        @Override
        public void sendMessage(Q message) {}
      };
    }
  }
}
