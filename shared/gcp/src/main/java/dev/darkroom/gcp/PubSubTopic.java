package dev.darkroom.gcp;

import com.google.api.core.ApiFuture;
import com.google.cloud.pubsub.v1.Publisher;
import com.google.protobuf.ByteString;
import com.google.pubsub.v1.PubsubMessage;
import dev.darkroom.core.event.Messages;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Publishes Darkroom messages (JSON, {@link Messages}) to one topic and waits for the server's
 * acknowledgement, so a caller that returns has a durably published message.
 */
public final class PubSubTopic {
  private final Publisher publisher;

  public PubSubTopic(Publisher publisher) {
    this.publisher = publisher;
  }

  /** @return the message id */
  public String publish(Object message, Map<String, String> attributes) {
    return await(send(message, attributes));
  }

  /** Starts publishing; {@link #await} waits for the server's acknowledgement. */
  public ApiFuture<String> send(Object message, Map<String, String> attributes) {
    return publisher.publish(PubsubMessage.newBuilder()
        .setData(ByteString.copyFrom(Messages.encode(message)))
        .putAllAttributes(attributes)
        .build());
  }

  /** The message id of a {@link #send}, once acknowledged; throws if it may not have been accepted. */
  public String await(ApiFuture<String> sending) {
    try {
      return sending.get(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted publishing to " + publisher.getTopicNameString(), e);
    } catch (ExecutionException | TimeoutException e) {
      throw GoogleErrors.translated(
          new IllegalStateException("publishing to " + publisher.getTopicNameString() + " failed", e));
    }
  }
}
