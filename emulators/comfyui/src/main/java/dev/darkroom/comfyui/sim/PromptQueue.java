package dev.darkroom.comfyui.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * ComfyUI's {@code PromptQueue}: a min-heap on {@code number} (then prompt id, as Python compares
 * the tuples), one running item, and an in-memory history capped at 10000 entries.
 */
final class PromptQueue {

  static final int MAXIMUM_HISTORY_SIZE = 10000;
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private static final Set<String> SENSITIVE_EXTRA_DATA_KEYS =
      Set.of("auth_token_comfy_org", "api_key_comfy_org");

  /** A queued prompt: ComfyUI's 5-tuple. */
  record Item(
      JsonNode number, String promptId, ObjectNode prompt, ObjectNode extraData, List<String> outputs) {

    ArrayNode toJson() {
      ArrayNode a = JSON.arrayNode();
      a.add(number);
      a.add(promptId);
      a.add(prompt);
      a.add(extraData);
      ArrayNode outs = a.addArray();
      outputs.forEach(outs::add);
      return a;
    }

    String clientId() {
      JsonNode c = extraData.get("client_id");
      return c == null || c.isNull() ? null : c.asText();
    }
  }

  private static final Comparator<Item> HEAP_ORDER =
      Comparator.<Item>comparingDouble(i -> i.number().doubleValue()).thenComparing(Item::promptId);

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition notEmpty = lock.newCondition();
  private final PriorityQueue<Item> pending = new PriorityQueue<>(HEAP_ORDER);
  private final LinkedHashMap<String, ObjectNode> history = new LinkedHashMap<>();
  private final Runnable onChange;
  private Item running;
  private long counter;
  /** How many times each prompt id was taken for execution: a diagnostic for at-most-once tests. */
  private final java.util.Map<String, Integer> executions = new java.util.HashMap<>();

  /**
   * @param onChange publishes the queue status; it runs under the queue's lock so that the status
   *     of an enqueue cannot reach clients after the dequeue that follows it
   */
  PromptQueue(Runnable onChange) {
    this.onChange = onChange;
  }

  /** The number a POST without {@code number} gets; bumped on every such POST, valid or not. */
  long nextNumber() {
    lock.lock();
    try {
      return counter++;
    } finally {
      lock.unlock();
    }
  }

  void put(Item item) {
    lock.lock();
    try {
      pending.add(item);
      notEmpty.signalAll();
      onChange.run();
    } finally {
      lock.unlock();
    }
  }

  /** Blocks until an item is pending, then marks it running. */
  Item take() throws InterruptedException {
    Item item;
    lock.lock();
    try {
      while (pending.isEmpty()) notEmpty.await();
      item = pending.poll();
      running = item;
      executions.merge(item.promptId(), 1, Integer::sum);
      onChange.run();
    } finally {
      lock.unlock();
    }
    return item;
  }

  /** Records the finished item's history entry and frees the running slot. */
  void done(Item item, ObjectNode outputs, ObjectNode status, ObjectNode meta) {
    lock.lock();
    try {
      if (history.size() > MAXIMUM_HISTORY_SIZE) history.remove(history.keySet().iterator().next());
      ObjectNode extra = item.extraData().deepCopy();
      SENSITIVE_EXTRA_DATA_KEYS.forEach(extra::remove);
      Item recorded = new Item(item.number(), item.promptId(), item.prompt(), extra, item.outputs());
      ObjectNode entry = JSON.objectNode();
      entry.set("prompt", recorded.toJson());
      entry.set("outputs", outputs);
      entry.set("status", status);
      entry.set("meta", meta);
      history.remove(item.promptId());
      history.put(item.promptId(), entry);
      running = null;
      onChange.run();
    } finally {
      lock.unlock();
    }
  }

  java.util.Map<String, Integer> executions() {
    lock.lock();
    try {
      return java.util.Map.copyOf(executions);
    } finally {
      lock.unlock();
    }
  }

  int remaining() {
    lock.lock();
    try {
      return pending.size() + (running == null ? 0 : 1);
    } finally {
      lock.unlock();
    }
  }

  Optional<Item> running() {
    lock.lock();
    try {
      return Optional.ofNullable(running);
    } finally {
      lock.unlock();
    }
  }

  ObjectNode queueJson() {
    lock.lock();
    try {
      ObjectNode out = JSON.objectNode();
      ArrayNode run = out.putArray("queue_running");
      if (running != null) run.add(running.toJson());
      ArrayNode pend = out.putArray("queue_pending");
      List<Item> sorted = new ArrayList<>(pending);
      sorted.sort(HEAP_ORDER);
      sorted.forEach(i -> pend.add(i.toJson()));
      return out;
    } finally {
      lock.unlock();
    }
  }

  void clearPending() {
    lock.lock();
    try {
      pending.clear();
      onChange.run();
    } finally {
      lock.unlock();
    }
  }

  void deletePending(String promptId) {
    lock.lock();
    try {
      if (pending.removeIf(i -> i.promptId().equals(promptId))) onChange.run();
    } finally {
      lock.unlock();
    }
  }

  /** {@code GET /history}: oldest first; {@code maxItems} alone gives the newest N. */
  ObjectNode historyJson(Integer maxItems, int offset) {
    lock.lock();
    try {
      ObjectNode out = JSON.objectNode();
      int start = offset;
      if (start < 0 && maxItems != null) start = history.size() - maxItems;
      int i = 0;
      for (Map.Entry<String, ObjectNode> e : history.entrySet()) {
        if (i >= start) {
          out.set(e.getKey(), e.getValue().deepCopy());
          if (maxItems != null && out.size() >= maxItems) break;
        }
        i++;
      }
      return out;
    } finally {
      lock.unlock();
    }
  }

  ObjectNode historyJson(String promptId) {
    lock.lock();
    try {
      ObjectNode out = JSON.objectNode();
      ObjectNode entry = history.get(promptId);
      if (entry != null) out.set(promptId, entry.deepCopy());
      return out;
    } finally {
      lock.unlock();
    }
  }

  void clearHistory() {
    lock.lock();
    try {
      history.clear();
    } finally {
      lock.unlock();
    }
  }

  void deleteHistory(String promptId) {
    lock.lock();
    try {
      history.remove(promptId);
    } finally {
      lock.unlock();
    }
  }
}
