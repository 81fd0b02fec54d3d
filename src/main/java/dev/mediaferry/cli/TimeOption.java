package dev.mediaferry.cli;

import dev.mediaferry.config.Settings;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;

/** Times given on the command line: an ISO instant, a local date-time or a local date. */
final class TimeOption {
  private TimeOption() {}

  static Instant parse(String option, String text) {
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException notInstant) {
      try {
        return LocalDateTime.parse(text).atZone(ZoneId.systemDefault()).toInstant();
      } catch (DateTimeParseException notLocalDateTime) {
        try {
          return LocalDate.parse(text).atStartOfDay(ZoneId.systemDefault()).toInstant();
        } catch (DateTimeParseException e) {
          throw new Settings.Invalid(option + " " + text + ": use 2026-11-23, 2026-11-23T08:00 or "
              + "2026-11-23T08:00:00Z");
        }
      }
    }
  }

  /** A duration as in the config: 30s, 5m, 2h. */
  static java.time.Duration duration(String text, String option) {
    try {
      return com.typesafe.config.ConfigFactory.parseString("d = \"" + text.replace("\"", "") + "\"")
          .getDuration("d");
    } catch (com.typesafe.config.ConfigException e) {
      throw new Settings.Invalid(option + " " + text + ": use a duration such as 30s, 5m or 2h");
    }
  }
}
