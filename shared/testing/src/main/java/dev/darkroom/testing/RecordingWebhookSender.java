package dev.darkroom.testing;

import dev.darkroom.core.port.WebhookSender;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** Answers from a script (then 200), recording every request. */
public final class RecordingWebhookSender implements WebhookSender {
  public record Request(URI url, Map<String, String> headers, byte[] body) {}

  public final List<Request> requests = new CopyOnWriteArrayList<>();
  private final Deque<Response> script = new ArrayDeque<>();

  public synchronized RecordingWebhookSender thenAnswer(Response... responses) {
    script.addAll(List.of(responses));
    return this;
  }

  @Override
  public synchronized Response post(URI url, Map<String, String> headers, byte[] body) {
    requests.add(new Request(url, Map.copyOf(headers), body.clone()));
    return script.isEmpty() ? Response.answered(200) : script.poll();
  }
}
