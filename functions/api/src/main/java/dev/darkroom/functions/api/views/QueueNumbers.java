package dev.darkroom.functions.api.views;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** ComfyUI prints whole queue numbers as integers (its counter is an int); keep that shape. */
public final class QueueNumbers {
  private QueueNumbers() {}

  public static JsonNode asJson(ObjectMapper json, double number) {
    if (number == Math.rint(number) && Math.abs(number) < 1e15) {
      return json.getNodeFactory().numberNode((long) number);
    }
    return json.getNodeFactory().numberNode(number);
  }
}
