package dev.backlog.maven;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Test counts summed over Surefire/Failsafe {@code TEST-*.xml} reports, from the attributes of each
 * report's {@code <testsuite>} element.
 *
 * @param tests tests run
 * @param failures failed assertions
 * @param errors tests that threw
 * @param skipped tests skipped
 */
record TestCounts(long tests, long failures, long errors, long skipped) {

  private static final Pattern SUITE = Pattern.compile("<testsuite\\b[^>]*>", Pattern.DOTALL);
  private static final Pattern[] ATTRIBUTES = {
    attribute("tests"), attribute("failures"), attribute("errors"), attribute("skipped")
  };

  private static Pattern attribute(String name) {
    return Pattern.compile("\\s" + name + "=\"(\\d+)\"");
  }

  /**
   * Sums the reports in {@code dirs} (missing directories count nothing) last modified at or after
   * {@code sinceMillis}; an unreadable or malformed report counts nothing.
   */
  static TestCounts read(List<Path> dirs, long sinceMillis) {
    long[] sums = new long[4];
    for (Path dir : dirs) {
      if (!Files.isDirectory(dir)) {
        continue;
      }
      try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "TEST-*.xml")) {
        for (Path report : files) {
          if (Files.getLastModifiedTime(report).toMillis() >= sinceMillis) {
            add(sums, report);
          }
        }
      } catch (IOException e) {
        // an unreadable directory counts nothing
      }
    }
    return new TestCounts(sums[0], sums[1], sums[2], sums[3]);
  }

  private static void add(long[] sums, Path report) throws IOException {
    String head;
    try (InputStream in = Files.newInputStream(report)) {
      head = new String(in.readNBytes(8192), StandardCharsets.UTF_8);
    }
    Matcher suite = SUITE.matcher(head);
    if (!suite.find()) {
      return;
    }
    for (int i = 0; i < ATTRIBUTES.length; i++) {
      Matcher m = ATTRIBUTES[i].matcher(suite.group());
      if (m.find()) {
        sums[i] += Long.parseLong(m.group(1));
      }
    }
  }
}
