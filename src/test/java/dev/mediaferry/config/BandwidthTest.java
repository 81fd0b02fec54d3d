package dev.mediaferry.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** mediaferry.transfer.bandwidth and .windows: rates, days, windows past midnight, pauses, bad values. */
class BandwidthTest {
  @TempDir Path dir;

  private static ZonedDateTime at(String text) {
    return ZonedDateTime.parse(text + "Z").withZoneSameInstant(ZoneOffset.UTC);
  }

  @Test
  void ratesAreReadWithTheirUnits() {
    assertEquals(20_000_000, Bandwidth.parseRate("20MB/s", "k"));
    assertEquals(5L << 20, Bandwidth.parseRate("5 MiB/s", "k"));
    assertEquals(800_000, Bandwidth.parseRate("800kB/s", "k"));
    assertEquals(1_500_000_000, Bandwidth.parseRate("1.5GB/s", "k"));
    assertEquals(0, Bandwidth.parseRate("0", "k"));
    Settings.Invalid bad = assertThrows(Settings.Invalid.class,
        () -> Bandwidth.parseRate("fast", "mediaferry.transfer.bandwidth"));
    assertTrue(bad.getMessage().startsWith("mediaferry.transfer.bandwidth = \"fast\""), bad.getMessage());
  }

  @Test
  void daysAreRangesAndLists() {
    assertEquals(EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY), Bandwidth.parseDays("Mon-Fri", "k"));
    assertEquals(EnumSet.of(DayOfWeek.SATURDAY, DayOfWeek.SUNDAY, DayOfWeek.MONDAY), Bandwidth.parseDays("Sat-Mon", "k"));
    assertEquals(EnumSet.of(DayOfWeek.MONDAY, DayOfWeek.FRIDAY), Bandwidth.parseDays("mon,Fri", "k"));
    assertEquals(EnumSet.allOf(DayOfWeek.class), Bandwidth.parseDays("*", "k"));
    assertThrows(Settings.Invalid.class, () -> Bandwidth.parseDays("Monday-Fri", "k"));
  }

  @Test
  void theFirstCoveringWindowSetsTheRateAndZeroInAWindowPauses() {
    Bandwidth.Window office = new Bandwidth.Window(EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY),
        LocalTime.of(8, 0), LocalTime.of(18, 0), 5_000_000, "office");
    Bandwidth.Window night = new Bandwidth.Window(EnumSet.of(DayOfWeek.FRIDAY), LocalTime.of(22, 0),
        LocalTime.of(6, 0), 0, "backup");
    Bandwidth bandwidth = new Bandwidth(20_000_000, List.of(office, night));

    assertEquals(new Bandwidth.Rate(5_000_000, false, office), bandwidth.at(at("2026-11-23T09:00:00"))); // Monday
    assertEquals(new Bandwidth.Rate(20_000_000, false, null), bandwidth.at(at("2026-11-23T18:00:00")));
    assertEquals(new Bandwidth.Rate(20_000_000, false, null), bandwidth.at(at("2026-11-28T09:00:00"))); // Saturday
    // Friday 22:00 to Saturday 06:00: paused, copies under way keep the default rate
    assertTrue(bandwidth.at(at("2026-11-27T23:30:00")).paused());
    assertTrue(bandwidth.at(at("2026-11-28T05:59:00")).paused());
    assertFalse(bandwidth.at(at("2026-11-28T06:00:00")).paused());
    assertFalse(bandwidth.at(at("2026-11-24T23:30:00")).paused()); // a Tuesday night is not in it

    assertEquals(at("2026-11-23T18:00:00"), bandwidth.nextChange(at("2026-11-23T09:00:30")).orElseThrow());
    assertEquals(at("2026-11-28T06:00:00"), bandwidth.nextChange(at("2026-11-27T23:00:00")).orElseThrow());
    assertTrue(new Bandwidth(0, List.of()).nextChange(at("2026-11-23T09:00:00")).isEmpty());
    assertFalse(new Bandwidth(0, List.of()).limited());
  }

  @Test
  void windowsAreReadFromTheConfigAndAnUnknownKeyIsNamed() throws Exception {
    Path good = Files.writeString(dir.resolve("good.conf"), "mediaferry.transfer { bandwidth = \"20MB/s\", windows = ["
        + " { days = \"Mon-Fri\", from = \"08:00\", to = \"18:00\", bandwidth = \"5MB/s\" },"
        + " { from = \"18:00\", to = \"20:00\", bandwidth = 0 } ] }\n");
    Bandwidth bandwidth = Settings.load(good).transfer().bandwidth();
    assertEquals(20_000_000, bandwidth.defaultBytesPerSecond());
    assertEquals(2, bandwidth.windows().size());
    assertEquals(EnumSet.allOf(DayOfWeek.class), bandwidth.windows().get(1).days());

    Path bad = Files.writeString(dir.resolve("bad.conf"), "mediaferry.transfer.windows = ["
        + " { days = \"Mon-Fri\", from = \"08:00\", to = \"18:00\", bandwith = \"5MB/s\" } ]\n");
    Settings.Invalid error = assertThrows(Settings.Invalid.class, () -> Settings.load(bad));
    assertTrue(error.getMessage().contains("mediaferry.transfer.windows[0] has an unknown key bandwith"),
        error.getMessage());
    Path badTime = Files.writeString(dir.resolve("time.conf"), "mediaferry.transfer.windows = ["
        + " { from = \"8 am\", to = \"18:00\", bandwidth = 0 } ]\n");
    error = assertThrows(Settings.Invalid.class, () -> Settings.load(badTime));
    assertTrue(error.getMessage().contains("mediaferry.transfer.windows[0].from = \"8 am\""), error.getMessage());
  }
}
