package dev.darkroom.core.warm;

import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Pinned warm tasks an operator asked for, e.g. {@code 2 warm 09:00-18:00 Mon-Fri Europe/Paris};
 * several windows are separated by {@code ;}. Days are {@code Mon-Fri}, {@code Sat,Sun} or
 * {@code daily}; the zone is an IANA name, UTC if left out. Times are the zone's wall clock, so a
 * window follows daylight saving (on the spring-forward day a window over the skipped hour is that
 * much shorter). A window whose end is not after its start runs past midnight and belongs to the
 * day it starts on. Where windows overlap, the larger count holds.
 */
public record WarmSchedule(List<Window> windows) {

  /** {@code count} tasks kept warm from {@code from} to {@code to} on {@code days}, wall clock in {@code zone}. */
  public record Window(int count, LocalTime from, LocalTime to, Set<DayOfWeek> days, ZoneId zone) {
    public Window {
      days = Set.copyOf(days);
      if (count < 1) {
        throw new IllegalArgumentException("a pinned window keeps at least 1 task warm: " + count);
      }
    }

    /** True if {@code at} falls inside this window. */
    boolean covers(Instant at) {
      ZonedDateTime local = at.atZone(zone);
      LocalTime time = local.toLocalTime();
      DayOfWeek day = local.getDayOfWeek();
      if (from.isBefore(to)) {
        return days.contains(day) && !time.isBefore(from) && time.isBefore(to);
      }
      // Past midnight: the evening part on a listed day, the morning part on the day after one.
      return (days.contains(day) && !time.isBefore(from)) || (days.contains(day.minus(1)) && time.isBefore(to));
    }
  }

  public static final WarmSchedule NONE = new WarmSchedule(List.of());

  public WarmSchedule {
    windows = List.copyOf(windows);
  }

  /** How many tasks the operator pinned warm at {@code at}: the largest count of the windows covering it. */
  public int pinnedAt(Instant at) {
    int pinned = 0;
    for (Window window : windows) {
      if (window.covers(at)) {
        pinned = Math.max(pinned, window.count());
      }
    }
    return pinned;
  }

  /**
   * Parses the operator's text ({@code WARM_SCHEDULE}); blank is no schedule. Throws
   * {@link IllegalArgumentException} naming the part that does not parse.
   */
  public static WarmSchedule parse(String text) {
    if (text == null || text.isBlank()) {
      return NONE;
    }
    List<Window> windows = new ArrayList<>();
    for (String part : text.split(";")) {
      if (!part.isBlank()) {
        windows.add(window(part.trim()));
      }
    }
    return new WarmSchedule(windows);
  }

  private static Window window(String text) {
    String[] words = text.split("\\s+");
    if (words.length < 4 || words.length > 5 || !words[1].equalsIgnoreCase("warm")) {
      throw invalid(text, "expected '<count> warm <HH:MM>-<HH:MM> <days> [zone]'");
    }
    int count;
    try {
      count = Integer.parseInt(words[0]);
    } catch (NumberFormatException e) {
      throw invalid(text, "the count '" + words[0] + "' is not a number");
    }
    if (count < 1) {
      throw invalid(text, "the count must be at least 1");
    }
    String[] times = words[2].split("-");
    if (times.length != 2) {
      throw invalid(text, "the hours '" + words[2] + "' are not HH:MM-HH:MM");
    }
    LocalTime from = time(text, times[0]);
    LocalTime to = time(text, times[1]);
    if (from.equals(to)) {
      throw invalid(text, "the window " + words[2] + " is empty");
    }
    ZoneId zone;
    try {
      zone = words.length == 5 ? ZoneId.of(words[4]) : ZoneId.of("UTC");
    } catch (DateTimeException e) {
      throw invalid(text, "unknown time zone '" + words[4] + "'");
    }
    return new Window(count, from, to, days(text, words[3]), zone);
  }

  private static LocalTime time(String text, String value) {
    try {
      return LocalTime.parse(value.length() == 4 ? "0" + value : value);
    } catch (DateTimeParseException e) {
      throw invalid(text, "'" + value + "' is not a time HH:MM");
    }
  }

  private static Set<DayOfWeek> days(String text, String value) {
    if (value.equalsIgnoreCase("daily")) {
      return EnumSet.allOf(DayOfWeek.class);
    }
    Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
    for (String item : value.split(",")) {
      String[] range = item.split("-");
      if (range.length == 1) {
        days.add(day(text, range[0]));
      } else if (range.length == 2) {
        DayOfWeek first = day(text, range[0]);
        DayOfWeek last = day(text, range[1]);
        for (DayOfWeek d = first; ; d = d.plus(1)) {
          days.add(d);
          if (d == last) {
            break;
          }
        }
      } else {
        throw invalid(text, "'" + item + "' is not a day or a range of days");
      }
    }
    return days;
  }

  private static DayOfWeek day(String text, String value) {
    String prefix = value.length() >= 3 ? value.substring(0, 3).toUpperCase(Locale.ROOT) : "";
    for (DayOfWeek day : DayOfWeek.values()) {
      if (day.name().startsWith(prefix) && !prefix.isEmpty()) {
        return day;
      }
    }
    throw invalid(text, "'" + value + "' is not a day (Mon, Tue, ... Sun)");
  }

  private static IllegalArgumentException invalid(String text, String why) {
    return new IllegalArgumentException("warm schedule '" + text + "': " + why);
  }
}
