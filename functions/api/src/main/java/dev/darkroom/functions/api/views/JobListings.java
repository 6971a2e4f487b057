package dev.darkroom.functions.api.views;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.core.job.JobStatus;
import dev.darkroom.core.limits.InputLimits;
import dev.darkroom.core.port.JobStore;
import dev.darkroom.functions.api.http.Call;
import dev.darkroom.functions.api.http.Replies;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code GET /api/v2/jobs}'s query: {@code limit}, {@code status} (repeatable, or a comma list),
 * {@code created_after}/{@code created_before} (RFC 3339, exclusive) and {@code cursor}. A
 * cursor is base64url JSON of the last listed job's {@code (createdAt, id)} and of the filters
 * it was listed with: opaque to clients, and refused (400) with other filters, where it would
 * silently skip or repeat jobs.
 */
public final class JobListings {
  static final int DEFAULT_LIMIT = 20;
  static final int MAX_LIMIT = 100;

  private JobListings() {}

  /** The page a request asks for, every parameter checked; a bad one is a 400 refusal. */
  public static JobStore.Page page(Call call) {
    int limit = limit(call.query("limit"));
    Set<JobStatus> statuses = statuses(call.queryParameters().getOrDefault("status", List.of()));
    Instant after = instant(call.query("created_after"), "created_after");
    Instant before = instant(call.query("created_before"), "created_before");
    JobStore.Page filters = new JobStore.Page(statuses, after, before, null, limit);
    String cursor = call.query("cursor");
    if (cursor == null || cursor.isEmpty()) {
      return filters;
    }
    return new JobStore.Page(statuses, after, before, position(cursor, filters), limit);
  }

  /** The cursor that lists the jobs after {@code position} with the same filters as {@code page}. */
  public static String cursor(JobStore.Page page, JobStore.Page.Position position) {
    ObjectNode node = Replies.JSON.createObjectNode()
        .put("t", position.createdAt().toString())
        .put("id", position.jobId())
        .put("f", filterKey(page));
    return Base64.getUrlEncoder().withoutPadding().encodeToString(node.toString().getBytes(StandardCharsets.UTF_8));
  }

  private static JobStore.Page.Position position(String cursor, JobStore.Page filters) {
    JsonNode node;
    try {
      node = Replies.JSON.readTree(Base64.getUrlDecoder().decode(cursor));
    } catch (IllegalArgumentException | java.io.IOException e) {
      throw badRequest("cursor is not one this API issued");
    }
    if (node == null || !node.path("t").isTextual() || !node.path("id").isTextual() || !node.path("f").isTextual()) {
      throw badRequest("cursor is not one this API issued");
    }
    if (!node.get("f").textValue().equals(filterKey(filters))) {
      throw badRequest("cursor was issued for other filters (status, created_after, created_before); "
          + "page with the filters of the first request, or start again without a cursor");
    }
    try {
      return new JobStore.Page.Position(Instant.parse(node.get("t").textValue()), node.get("id").textValue());
    } catch (DateTimeParseException e) {
      throw badRequest("cursor is not one this API issued");
    }
  }

  private static String filterKey(JobStore.Page page) {
    return page.statuses().stream().map(JobStatus::wireName).sorted().collect(Collectors.joining(","))
        + "|" + page.createdAfter() + "|" + page.createdBefore();
  }

  /** A {@code ?limit=} of any listing: 20 when absent, else 1 to 100; anything else is a 400 refusal. */
  public static int limit(String value) {
    if (value == null || value.isEmpty()) {
      return DEFAULT_LIMIT;
    }
    try {
      int limit = Integer.parseInt(value);
      if (limit >= 1 && limit <= MAX_LIMIT) {
        return limit;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw badRequest("limit must be an integer from 1 to " + MAX_LIMIT + ", got '" + InputLimits.shown(value) + "'");
  }

  private static Set<JobStatus> statuses(List<String> values) {
    Set<JobStatus> statuses = EnumSet.noneOf(JobStatus.class);
    for (String value : values) {
      for (String name : value.split(",", -1)) {
        String wire = name.strip().toLowerCase(Locale.ROOT);
        if (wire.isEmpty()) {
          continue;
        }
        JobStatus status = java.util.Arrays.stream(JobStatus.values())
            .filter(s -> s.wireName().equals(wire)).findFirst()
            .orElseThrow(() -> badRequest("status must be one of " + java.util.Arrays.stream(JobStatus.values())
                .map(JobStatus::wireName).collect(Collectors.joining(", ")) + "; got '" + InputLimits.shown(name) + "'"));
        statuses.add(status);
      }
    }
    return statuses;
  }

  private static Instant instant(String value, String name) {
    if (value == null || value.isEmpty()) {
      return null;
    }
    try {
      return OffsetDateTime.parse(value.toUpperCase(Locale.ROOT)).toInstant();
    } catch (DateTimeParseException e) {
      throw badRequest(name + " must be an RFC 3339 time such as 2026-11-23T10:00:00Z, got '"
          + InputLimits.shown(value) + "'");
    }
  }

  static Replies.ApiError badRequest(String message) {
    return new Replies.ApiError(400, message);
  }
}
