package dev.mediaferry.config;

import java.time.DayOfWeek;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * mediaferry.transfer.bandwidth and .windows: the upload rate allowed at a moment. The first
 * window that covers the moment sets it; outside every window the default applies. 0 is
 * "unlimited" as the default and "paused" in a window (no new file starts; a copy under way
 * finishes at the default rate).
 */
public record Bandwidth(long defaultBytesPerSecond, List<Window> windows) {
  private static final Pattern RATE = Pattern.compile(
      "\\s*([0-9]+(?:\\.[0-9]+)?)\\s*(B|kB|KB|KiB|MB|MiB|GB|GiB)?\\s*(?:/s)?\\s*");
  private static final List<DayOfWeek> WEEK = List.of(DayOfWeek.values());

  /** A time window: on these days, from (inclusive) to (exclusive), local time; to before from runs past midnight. */
  public record Window(Set<DayOfWeek> days, LocalTime from, LocalTime to, long bytesPerSecond, String text) {
    boolean covers(ZonedDateTime at) {
      LocalTime time = at.toLocalTime();
      DayOfWeek day = at.getDayOfWeek();
      if (from.isBefore(to)) {
        return days.contains(day) && !time.isBefore(from) && time.isBefore(to);
      }
      return days.contains(day) && !time.isBefore(from) || days.contains(day.minus(1)) && time.isBefore(to);
    }
  }

  /** What applies at a moment: the rate (bytes/s, 0: unlimited unless paused) and the window that set it. */
  public record Rate(long bytesPerSecond, boolean paused, Window window) {}

  public Rate at(ZonedDateTime moment) {
    for (Window window : windows) {
      if (window.covers(moment)) {
        return window.bytesPerSecond() == 0 ? new Rate(defaultBytesPerSecond, true, window)
            : new Rate(window.bytesPerSecond(), false, window);
      }
    }
    return new Rate(defaultBytesPerSecond, false, null);
  }

  /** The next minute at which what applies may change (a window starts or ends), within a week. */
  public Optional<ZonedDateTime> nextChange(ZonedDateTime after) {
    if (windows.isEmpty()) {
      return Optional.empty();
    }
    Rate now = at(after);
    ZonedDateTime t = after.withSecond(0).withNano(0);
    for (int minute = 1; minute <= 7 * 24 * 60; minute++) {
      ZonedDateTime next = t.plusMinutes(minute);
      if (!at(next).equals(now)) {
        return Optional.of(next);
      }
    }
    return Optional.empty();
  }

  public boolean limited() {
    return defaultBytesPerSecond > 0 || !windows.isEmpty();
  }

  /** "20MB/s", "5 MiB/s", "800kB/s", "0": bytes per second; the key names it in the error. */
  public static long parseRate(String text, String key) {
    Matcher m = RATE.matcher(text);
    if (!m.matches()) {
      throw new Settings.Invalid(key + " = \"" + text + "\": write a rate like \"20MB/s\", \"5MiB/s\" or 0 "
          + "(unlimited; in a window: paused)");
    }
    double value = Double.parseDouble(m.group(1));
    String unit = m.group(2) == null ? "B" : m.group(2);
    long factor = switch (unit) {
      case "kB", "KB" -> 1_000L;
      case "KiB" -> 1L << 10;
      case "MB" -> 1_000_000L;
      case "MiB" -> 1L << 20;
      case "GB" -> 1_000_000_000L;
      case "GiB" -> 1L << 30;
      default -> 1L;
    };
    return (long) (value * factor);
  }

  /** "Mon-Fri", "Sat,Sun", "Mon-Wed,Fri", "*": the days named. */
  public static Set<DayOfWeek> parseDays(String text, String key) {
    Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
    if (text.trim().equals("*")) {
      return EnumSet.allOf(DayOfWeek.class);
    }
    for (String part : text.split(",")) {
      String[] range = part.trim().split("-");
      DayOfWeek first = day(range[0], key, text);
      DayOfWeek last = range.length > 1 ? day(range[1], key, text) : first;
      for (int i = first.ordinal(); ; i = (i + 1) % 7) {
        days.add(WEEK.get(i));
        if (i == last.ordinal()) {
          break;
        }
      }
    }
    return days;
  }

  private static DayOfWeek day(String name, String key, String text) {
    for (DayOfWeek day : DayOfWeek.values()) {
      if (day.getDisplayName(TextStyle.SHORT, Locale.ENGLISH).equalsIgnoreCase(name.trim())) {
        return day;
      }
    }
    throw new Settings.Invalid(key + " = \"" + text + "\": days are Mon, Tue, Wed, Thu, Fri, Sat, Sun, ranges "
        + "(Mon-Fri) and lists (Sat,Sun)");
  }

  static List<Window> parseWindows(List<? extends com.typesafe.config.Config> configs, String key) {
    List<Window> windows = new ArrayList<>();
    for (int i = 0; i < configs.size(); i++) {
      com.typesafe.config.Config w = configs.get(i);
      String at = key + "[" + i + "]";
      for (String field : w.root().keySet()) {
        if (!List.of("days", "from", "to", "bandwidth").contains(field)) {
          throw new Settings.Invalid(at + " has an unknown key " + field + ": a window has days, from, to, bandwidth");
        }
      }
      String days = w.hasPath("days") ? w.getString("days") : "*";
      windows.add(new Window(parseDays(days, at + ".days"), time(w, "from", at), time(w, "to", at),
          parseRate(w.getString("bandwidth"), at + ".bandwidth"),
          days + " " + w.getString("from") + "-" + w.getString("to") + " at " + w.getString("bandwidth")));
    }
    return windows;
  }

  private static LocalTime time(com.typesafe.config.Config w, String field, String at) {
    String text = w.getString(field);
    try {
      return LocalTime.parse(text.length() == 4 ? "0" + text : text);
    } catch (java.time.format.DateTimeParseException e) {
      throw new Settings.Invalid(at + "." + field + " = \"" + text + "\": write a time as HH:MM (08:00, 18:30)");
    }
  }
}
