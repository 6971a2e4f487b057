package dev.darkroom.gcp;

import com.google.firebase.messaging.AndroidConfig;
import com.google.firebase.messaging.ApnsConfig;
import com.google.firebase.messaging.Aps;
import com.google.firebase.messaging.BatchResponse;
import com.google.firebase.messaging.FirebaseMessaging;
import com.google.firebase.messaging.FirebaseMessagingException;
import com.google.firebase.messaging.Message;
import com.google.firebase.messaging.MessagingErrorCode;
import com.google.firebase.messaging.Notification;
import com.google.firebase.messaging.SendResponse;
import dev.darkroom.core.port.PushSender;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@link PushSender} on Firebase Cloud Messaging ({@link FirebaseMessaging#sendEach}, at most 500
 * messages a call). The collapse key makes a retried notification replace, not repeat, the first.
 */
public final class FcmPushSender implements PushSender {
  static final int MAX_PER_CALL = 500;
  /** FCM's word that a token will never work again. */
  static final Set<MessagingErrorCode> INVALID_TOKEN = Set.of(MessagingErrorCode.UNREGISTERED,
      MessagingErrorCode.INVALID_ARGUMENT, MessagingErrorCode.SENDER_ID_MISMATCH);

  private final FirebaseMessaging messaging;

  public FcmPushSender(FirebaseMessaging messaging) {
    this.messaging = messaging;
  }

  @Override
  public Result send(List<String> tokens, String title, String body, Map<String, String> data, String collapseKey) {
    int sent = 0;
    List<String> invalid = new ArrayList<>();
    List<String> failed = new ArrayList<>();
    for (int from = 0; from < tokens.size(); from += MAX_PER_CALL) {
      List<String> batch = tokens.subList(from, Math.min(tokens.size(), from + MAX_PER_CALL));
      List<Message> messages = batch.stream().map(token -> Message.builder()
          .setToken(token)
          .setNotification(Notification.builder().setTitle(title).setBody(body).build())
          .putAllData(data)
          .setAndroidConfig(AndroidConfig.builder().setCollapseKey(collapseKey).build())
          .setApnsConfig(ApnsConfig.builder().putHeader("apns-collapse-id", collapseKey)
              .setAps(Aps.builder().build()).build())
          .build()).toList();
      BatchResponse response;
      try {
        response = messaging.sendEach(messages);
      } catch (FirebaseMessagingException e) {
        throw new IllegalStateException("FCM refused the batch: " + e.getMessagingErrorCode() + " " + e.getMessage(), e);
      }
      List<SendResponse> responses = response.getResponses();
      for (int i = 0; i < responses.size(); i++) {
        SendResponse r = responses.get(i);
        if (r.isSuccessful()) {
          sent++;
        } else if (INVALID_TOKEN.contains(r.getException().getMessagingErrorCode())) {
          invalid.add(batch.get(i));
        } else {
          failed.add(batch.get(i));
        }
      }
    }
    return new Result(sent, invalid, failed);
  }
}
