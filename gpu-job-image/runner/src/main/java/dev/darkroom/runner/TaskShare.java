package dev.darkroom.runner;

import java.util.ArrayList;
import java.util.List;

/**
 * This task's share of an execution's job ids. Every task of an execution receives the same list
 * ({@code DARKROOM_JOB_IDS}); task {@code index} of {@code count} takes the ids at positions where
 * {@code position % count == index}, so the tasks split the list without talking to each other.
 */
public record TaskShare(int index, int count) {

  public TaskShare {
    if (count < 1 || index < 0 || index >= count) {
      throw new IllegalArgumentException("task index " + index + " is not within a count of " + count);
    }
  }

  public static TaskShare whole() {
    return new TaskShare(0, 1);
  }

  public List<String> of(List<String> jobIds) {
    List<String> mine = new ArrayList<>();
    for (int position = index; position < jobIds.size(); position += count) {
      mine.add(jobIds.get(position));
    }
    return mine;
  }
}
