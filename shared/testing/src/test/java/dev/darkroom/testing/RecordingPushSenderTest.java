package dev.darkroom.testing;

import dev.darkroom.core.port.PushSender;
import java.util.List;

/** The fake passes the same contract as the FCM sender. */
class RecordingPushSenderTest extends PushSenderContract {
  private final RecordingPushSender push = new RecordingPushSender();

  @Override
  protected PushSender sender() {
    return push;
  }

  @Override
  protected void tokenIsGone(String token) {
    push.invalid.add(token);
  }

  @Override
  protected void tokenFailsForNow(String token) {
    push.failing.add(token);
  }

  @Override
  protected List<Pushed> pushed() {
    return push.sent.stream().flatMap(sent -> sent.tokens().stream()
        .map(token -> new Pushed(token, sent.title(), sent.data(), sent.collapseKey()))).toList();
  }
}
