package dev.darkroom.emulators.google;

import com.google.api.gax.core.CredentialsProvider;
import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.GrpcCallContext;
import com.google.api.gax.grpc.GrpcTransportChannel;
import com.google.api.gax.rpc.DeadlineExceededException;
import com.google.api.gax.rpc.FixedTransportChannelProvider;
import com.google.api.gax.rpc.TransportChannelProvider;
import com.google.cloud.pubsub.v1.MessageReceiver;
import com.google.cloud.pubsub.v1.Publisher;
import com.google.cloud.pubsub.v1.Subscriber;
import com.google.cloud.pubsub.v1.SubscriptionAdminClient;
import com.google.cloud.pubsub.v1.SubscriptionAdminSettings;
import com.google.cloud.pubsub.v1.TopicAdminClient;
import com.google.cloud.pubsub.v1.TopicAdminSettings;
import com.google.pubsub.v1.ProjectSubscriptionName;
import com.google.pubsub.v1.PullRequest;
import com.google.pubsub.v1.ReceivedMessage;
import com.google.pubsub.v1.SubscriptionName;
import com.google.pubsub.v1.TopicName;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * One plaintext gRPC channel to a Pub/Sub emulator and the official clients built on it, wired
 * the way Google documents for emulators: a {@link FixedTransportChannelProvider} and no
 * credentials. Publishers and subscribers handed out here must be shut down by their owner before
 * {@link #close()}, which closes the admin clients it made and then the channel.
 */
public final class PubSubEmulatorChannels implements AutoCloseable {
  private final String hostPort;
  private final ManagedChannel channel;
  private final TransportChannelProvider channelProvider;
  private final List<AutoCloseable> adminClients = new CopyOnWriteArrayList<>();

  private PubSubEmulatorChannels(String hostPort, ManagedChannel channel) {
    this.hostPort = hostPort;
    this.channel = channel;
    this.channelProvider = FixedTransportChannelProvider.create(GrpcTransportChannel.create(channel));
  }

  /** Opens a channel to the emulator at {@code hostPort}, e.g. {@code 127.0.0.1:8085}. */
  public static PubSubEmulatorChannels connect(String hostPort) {
    return new PubSubEmulatorChannels(hostPort, ManagedChannelBuilder.forTarget(hostPort).usePlaintext().build());
  }

  public String hostPort() {
    return hostPort;
  }

  public TransportChannelProvider channelProvider() {
    return channelProvider;
  }

  public CredentialsProvider credentialsProvider() {
    return NoCredentialsProvider.create();
  }

  /** A topic admin client on this channel, closed with it. */
  public TopicAdminClient topicAdmin() {
    return adminClient("topic", () -> TopicAdminClient.create(TopicAdminSettings.newBuilder()
        .setTransportChannelProvider(channelProvider).setCredentialsProvider(credentialsProvider()).build()));
  }

  /** A subscription admin client on this channel, closed with it. */
  public SubscriptionAdminClient subscriptionAdmin() {
    return adminClient("subscription", () -> SubscriptionAdminClient.create(SubscriptionAdminSettings.newBuilder()
        .setTransportChannelProvider(channelProvider).setCredentialsProvider(credentialsProvider()).build()));
  }

  private interface ClientFactory<C> {
    C create() throws IOException;
  }

  private <C extends AutoCloseable> C adminClient(String kind, ClientFactory<C> factory) {
    try {
      C client = factory.create();
      adminClients.add(client);
      return client;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a " + kind + " admin client for " + hostPort, e);
    }
  }

  /**
   * Pulls and acknowledges everything {@code subscription} holds, until a long poll with the timeout
   * {@code quiet} comes back with nothing: what a topic received, for tests. A long poll answers as
   * soon as a message is there, so the wait is spent once, at the end. (The emulator answers an
   * empty long poll about a second before its timeout, so 2 s waits about one.)
   */
  public static List<ReceivedMessage> drain(SubscriptionAdminClient admin, SubscriptionName subscription,
      Duration quiet) {
    List<ReceivedMessage> drained = new ArrayList<>();
    while (true) {
      List<ReceivedMessage> batch;
      try {
        batch = admin.pullCallable().call(
            PullRequest.newBuilder().setSubscription(subscription.toString()).setMaxMessages(1_000).build(),
            GrpcCallContext.createDefault().withTimeoutDuration(quiet)).getReceivedMessagesList();
      } catch (DeadlineExceededException nothingMore) {
        return drained;
      }
      if (batch.isEmpty()) {
        return drained;
      }
      drained.addAll(batch);
      admin.acknowledge(subscription, batch.stream().map(ReceivedMessage::getAckId).toList());
    }
  }

  /** A publisher builder wired to the emulator; the caller builds, uses and shuts it down. */
  public Publisher.Builder publisher(TopicName topic) {
    return Publisher.newBuilder(topic)
        .setChannelProvider(channelProvider)
        .setCredentialsProvider(credentialsProvider());
  }

  /** A streaming-pull subscriber builder wired to the emulator; the caller owns its lifecycle. */
  public Subscriber.Builder subscriber(ProjectSubscriptionName subscription, MessageReceiver receiver) {
    return Subscriber.newBuilder(subscription, receiver)
        .setChannelProvider(channelProvider)
        .setCredentialsProvider(credentialsProvider());
  }

  @Override
  public void close() {
    for (AutoCloseable client : adminClients) {
      try {
        client.close();
      } catch (Exception e) {
        // closing the channel below ends whatever the client still held
      }
    }
    adminClients.clear();
    channel.shutdown();
    try {
      if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
        channel.shutdownNow();
      }
    } catch (InterruptedException e) {
      channel.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
