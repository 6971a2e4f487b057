package dev.darkroom.functions.api.views;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.JobPrompt;
import dev.darkroom.core.limits.InputLimits;
import dev.darkroom.core.port.JobStore;
import dev.darkroom.functions.api.http.Replies;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A listing that shows prompts ({@code /history}, {@code /queue}), bounded in bytes as well as in
 * entries: a prompt and its {@code extra_data} may be up to
 * {@value #LARGEST_PROMPT} bytes, so a user with many big prompts could otherwise make one request
 * hold gigabytes, on an instance that every user's requests share.
 *
 * <p>Entries are added in the listing's order until the next would take the answer past
 * {@code maxBytes} ({@code LISTING_MAX_BYTES}, default {@value #DEFAULT_MAX_BYTES} bytes: half
 * of what Cloud Run lets an answer carry); the answer then says so with the header
 * {@value #TRUNCATED_HEADER}. ComfyUI's clients page with {@code max_items} and {@code offset},
 * so the rest stays reachable. Prompts are read a few at a time, never more than the budget left
 * could show, so what a request reads is what it answers plus at most one chunk.
 * Each entry is kept as its JSON bytes, not as a tree, which is several times larger.
 */
public final class PromptListing {
  /** {@code LISTING_MAX_BYTES}' default. */
  public static final int DEFAULT_MAX_BYTES = 16 * 1024 * 1024;
  /** Said on an answer that left out entries to stay within its budget. */
  public static final String TRUNCATED_HEADER = "Darkroom-Listing-Truncated";
  /** The most bytes one job's prompt and extra_data may take as stored. */
  static final long LARGEST_PROMPT = InputLimits.PROMPT_JSON_BYTES + InputLimits.EXTRA_DATA_JSON_BYTES;
  /** The most prompts read in one go. */
  static final int MOST_PER_READ = 100;

  /** One entry of the answer: the job and its JSON. */
  public record Entry(Job job, byte[] json) {}

  /** The entries that fit, in the listing's order, and whether any were left out. */
  public record Result(List<Entry> entries, boolean truncated) {}

  /** How one job shows, given its prompt (null if none is stored). */
  @FunctionalInterface
  public interface Render {
    JsonNode of(Job job, JobPrompt prompt);
  }

  private final JobStore store;
  private final long maxBytes;
  private final List<Entry> entries = new ArrayList<>();
  private long left;
  private boolean truncated;

  public PromptListing(JobStore store, long maxBytes) {
    this.store = store;
    this.maxBytes = maxBytes;
    this.left = maxBytes;
  }

  /** Whether the budget is spent: nothing more will be added. */
  public boolean full() {
    return truncated;
  }

  /**
   * Adds {@code jobs}, in order, with their prompts, while they fit; {@code overhead} bytes of the
   * answer's own per entry (a key, separators) count too.
   *
   * @return how many were added
   */
  public int add(List<Job> jobs, int overhead, Render render) {
    int before = entries.size();
    int at = 0;
    while (at < jobs.size() && !truncated) {
      // Only as many as the budget left could show if each prompt were as large as allowed.
      int chunk = (int) Math.max(1, Math.min(MOST_PER_READ, left / LARGEST_PROMPT));
      List<Job> some = jobs.subList(at, Math.min(jobs.size(), at + chunk));
      Map<String, JobPrompt> prompts = store.promptsOf(some);
      for (Job job : some) {
        byte[] json = bytes(render.of(job, prompts.get(job.id())));
        long cost = json.length + (long) job.id().length() + overhead;
        // The first entry goes in whatever its size (one job's prompt and outputs): a client that
        // pages with offset would otherwise never get past a job bigger than the budget.
        if (cost > left && !entries.isEmpty()) {
          truncated = true;
          return entries.size() - before;
        }
        left = Math.max(0, left - cost);
        entries.add(new Entry(job, json));
      }
      at += some.size();
    }
    return entries.size() - before;
  }

  /**
   * Answers {@code 200} with the JSON {@code prefix}, the entries as {@code render} joins them, and
   * {@code suffix}, written as bytes; with {@value #TRUNCATED_HEADER} when entries were left out.
   */
  public static void reply(com.google.cloud.functions.HttpResponse response, boolean truncated, byte[] body)
      throws java.io.IOException {
    if (truncated) {
      response.appendHeader(TRUNCATED_HEADER, "true");
    }
    Replies.jsonBytes(response, 200, body);
  }

  public Result result() {
    return new Result(List.copyOf(entries), truncated);
  }

  /** The budget this listing was given. */
  public long maxBytes() {
    return maxBytes;
  }

  private static byte[] bytes(JsonNode node) {
    try {
      return Replies.JSON.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a listing entry cannot be written", e);
    }
  }
}
