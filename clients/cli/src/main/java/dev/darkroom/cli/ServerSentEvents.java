package dev.darkroom.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.function.Predicate;

/**
 * Reads a {@code text/event-stream} as the HTML standard's event-stream interpretation does
 * ({@code event}, {@code data} (lines joined), {@code id}; comments and unknown fields ignored;
 * a blank line dispatches), handing each event over as it arrives.
 */
final class ServerSentEvents {
  /** One event; {@code id} is null when the event had none. */
  record Event(String name, String id, String data) {}

  private ServerSentEvents() {}

  /**
   * Reads events until the stream ends or {@code handler} answers false (then the rest is left
   * unread); true if the handler asked to stop.
   */
  static boolean read(InputStream stream, Predicate<Event> handler) throws IOException {
    BufferedReader lines = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8));
    String name = null;
    String id = null;
    StringBuilder data = null;
    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
      if (line.isEmpty()) {
        if (data != null && !handler.test(new Event(name == null ? "message" : name, id, data.toString()))) {
          return true;
        }
        name = null;
        id = null;
        data = null;
        continue;
      }
      if (line.startsWith(":")) {
        continue;
      }
      int colon = line.indexOf(':');
      String field = colon < 0 ? line : line.substring(0, colon);
      String value = colon < 0 ? "" : line.substring(colon + 1);
      if (value.startsWith(" ")) {
        value = value.substring(1);
      }
      switch (field) {
        case "event" -> name = value;
        case "id" -> id = value;
        case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
        default -> { }
      }
    }
    return false;
  }
}
