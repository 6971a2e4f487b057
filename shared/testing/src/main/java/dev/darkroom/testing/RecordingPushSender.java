package dev.darkroom.testing;

import dev.darkroom.core.port.PushSender;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/** Sends to every token except those marked invalid or failing. */
public final class RecordingPushSender implements PushSender {
  public record Sent(List<String> tokens, String title, Map<String, String> data, String collapseKey) {}

  public final List<Sent> sent = new CopyOnWriteArrayList<>();
  public final Set<String> invalid = new HashSet<>();
  public final Set<String> failing = new HashSet<>();

  @Override
  public Result send(List<String> tokens, String title, String body, Map<String, String> data, String collapseKey) {
    sent.add(new Sent(List.copyOf(tokens), title, Map.copyOf(data), collapseKey));
    List<String> bad = tokens.stream().filter(invalid::contains).toList();
    List<String> failed = tokens.stream().filter(failing::contains).toList();
    return new Result(tokens.size() - bad.size() - failed.size(), bad, failed);
  }
}
