package dev.backlog.cli.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Lengths of time on the command line: one reading for every option that takes one, plain seconds
 * as before, units as {@code defer --for} takes them, and a usage error naming the value and the
 * forms for anything else.
 */
class DurationsTest {

  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void everyFormReadsAsTheSameLength() {
    assertEquals(Optional.of(Duration.ofSeconds(900)), Durations.parse("900"));
    assertEquals(Optional.of(Duration.ofSeconds(900)), Durations.parse("+900"));
    assertEquals(Optional.of(Duration.ofSeconds(-5)), Durations.parse("-5"));
    assertEquals(Optional.of(Duration.ofSeconds(90)), Durations.parse("90s"));
    assertEquals(Optional.of(Duration.ofMinutes(15)), Durations.parse("15m"));
    assertEquals(Optional.of(Duration.ofMinutes(15)), Durations.parse(" 15 M "));
    assertEquals(Optional.of(Duration.ofHours(2)), Durations.parse("2h"));
    assertEquals(Optional.of(Duration.ofDays(1)), Durations.parse("1d"));
    assertEquals(Optional.of(Duration.ofMinutes(90)), Durations.parse("PT1H30M"));
    assertEquals(Optional.of(Duration.ofMinutes(90)), Durations.parse("pt1h30m"));
    assertEquals(Optional.of(Duration.ofMillis(500)), Durations.parse("PT0.5S"));
    for (String bad :
        List.of("", "soon", "15x", "1.5h", "1h30m", "m", "99999999999999999999", "1e3")) {
      assertEquals(Optional.empty(), Durations.parse(bad), bad);
    }
    assertEquals(Optional.empty(), Durations.parse("9999999999999999d"), "overflow");
  }

  @Test
  void theConverterWantsWholeSecondsAndNamesTheForms() {
    SecondsConverter c = new SecondsConverter();
    assertEquals(900L, c.convert("15m"));
    assertEquals(7200L, c.convert("PT2H"));
    assertEquals(60L, c.convert("60"));
    CommandLine.TypeConversionException notALength =
        org.junit.jupiter.api.Assertions.assertThrows(
            CommandLine.TypeConversionException.class, () -> c.convert("15x"));
    assertEquals(
        "'15x' is not a length of time; give seconds (900) or a number with a unit: 90s, 30m, 2h,"
            + " 1d",
        notALength.getMessage());
    CommandLine.TypeConversionException fraction =
        org.junit.jupiter.api.Assertions.assertThrows(
            CommandLine.TypeConversionException.class, () -> c.convert("PT0.5S"));
    assertTrue(fraction.getMessage().contains("'PT0.5S' is not a whole number of seconds"));
  }

  /** Every option in seconds, on every command, reads lengths the same way. */
  @Test
  void everyOptionInSecondsTakesTheForms() {
    List<String> seen = new ArrayList<>();
    collect(Commands.commandLine(new RootCommand(PlainClaimTest.readingOnly(dir))), seen);
    assertEquals(
        List.of(
            "backlog claim --ttl",
            "backlog claim --wait",
            "backlog coord cleanup --grace",
            "backlog mcp --ttl",
            "backlog renew --ttl"),
        seen.stream().sorted().toList());
  }

  private static void collect(CommandLine cl, List<String> seen) {
    for (OptionSpec o : cl.getCommandSpec().options()) {
      if ("SEC".equals(o.paramLabel()) && !o.inherited()) {
        String where = cl.getCommandSpec().qualifiedName() + " " + o.longestName();
        CommandLine.ITypeConverter<?>[] converters = o.converters();
        assertTrue(
            converters.length == 1 && converters[0] instanceof SecondsConverter,
            where + " reads lengths of time with SecondsConverter");
        seen.add(where);
      }
    }
    cl.getSubcommands().values().forEach(sub -> collect(sub, seen));
  }

  @Test
  void aLeaseAndADeferralTakeUnits() throws IOException {
    InProcess cli = new InProcess(dir.resolve("home"), dir);
    assertEquals(0, cli.run("create", "--id", "A", "--title", "t").exit());
    assertEquals(0, cli.run("create", "--id", "B", "--title", "t").exit());
    JsonNode claimed = json(cli, "claim", "--owner", "w", "--ttl", "15m", "--json");
    assertEquals(Duration.ofMinutes(15), leaseLength(claimed));
    String token = claimed.get("lease").get("token").asText();
    JsonNode renewed = json(cli, "renew", "A", "--token", token, "--ttl", "PT2H", "--json");
    assertTrue(
        Duration.between(
                    Instant.now(), Instant.parse(renewed.get("lease").get("expiresAt").asText()))
                .compareTo(Duration.ofMinutes(110))
            > 0,
        "renewed for about two hours: " + renewed);
    JsonNode deferred = json(cli, "defer", "B", "--for", "90", "--json");
    assertTrue(
        Duration.between(Instant.now(), Instant.parse(deferred.get("notBefore").asText()))
                .compareTo(Duration.ofSeconds(80))
            > 0,
        "deferred for about 90 s: " + deferred);
  }

  @Test
  void aBadLengthIsAUsageErrorAndChangesNothing() throws IOException {
    InProcess cli = new InProcess(dir.resolve("home"), dir);
    assertEquals(0, cli.run("create", "--id", "A", "--title", "t").exit());
    InProcess.Run bad = cli.run("claim", "--owner", "w", "--ttl", "15x", "--json");
    assertEquals(2, bad.exit(), bad.err());
    assertEquals(
        "Invalid value for option '--ttl': '15x' is not a length of time; give seconds (900) or a"
            + " number with a unit: 90s, 30m, 2h, 1d (run 'backlog claim --help' for usage)",
        JSON.readTree(bad.err()).get("error").get("message").asText());
    InProcess.Run fraction = cli.run("claim", "--owner", "w", "--wait", "0.5s");
    assertEquals(2, fraction.exit(), fraction.err());
    assertTrue(fraction.err().contains("'0.5s' is not a length of time"), fraction.err());
    InProcess.Run outOfRange = cli.run("claim", "--owner", "w", "--ttl", "8d");
    assertEquals(2, outOfRange.exit(), outOfRange.err());
    assertTrue(
        outOfRange.err().contains("ttl 691200s is out of range; give 1 to 604800 seconds"),
        outOfRange.err());
    assertEquals("ready", json(cli, "show", "A", "--json").get("status").asText());
  }

  private static JsonNode json(InProcess cli, String... args) throws IOException {
    InProcess.Run run = cli.run(args);
    assertEquals(0, run.exit(), run.err());
    return JSON.readTree(run.out());
  }

  private static Duration leaseLength(JsonNode card) {
    return Duration.between(
        Instant.parse(card.get("lease").get("claimedAt").asText()),
        Instant.parse(card.get("lease").get("expiresAt").asText()));
  }
}
