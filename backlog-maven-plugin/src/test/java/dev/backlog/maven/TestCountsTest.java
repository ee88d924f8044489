package dev.backlog.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestCountsTest {

  @TempDir Path tmp;

  private static String report(int tests, int failures, int errors, int skipped) {
    return """
        <?xml version="1.0" encoding="UTF-8"?>
        <testsuite xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" name="it.SampleTest"
            time="0.1" tests="%d" errors="%d" skipped="%d" failures="%d">
          <properties><property name="tests" value="99"/></properties>
        </testsuite>
        """
        .formatted(tests, errors, skipped, failures);
  }

  @Test
  void sumsTheSuitesOfEveryReportDirectoryAndIgnoresOtherFiles() throws Exception {
    Path a = Files.createDirectories(tmp.resolve("a/surefire-reports"));
    Path b = Files.createDirectories(tmp.resolve("b/surefire-reports"));
    Files.writeString(a.resolve("TEST-it.One.xml"), report(3, 1, 0, 1));
    Files.writeString(b.resolve("TEST-it.Two.xml"), report(5, 0, 2, 0));
    Files.writeString(b.resolve("it.Two.txt"), "Tests run: 100");
    Files.writeString(b.resolve("TEST-broken.xml"), "not xml");
    assertEquals(
        new TestCounts(8, 1, 2, 1), TestCounts.read(List.of(a, b, tmp.resolve("missing")), 0));
  }

  @Test
  void leavesOutReportsWrittenBeforeTheBuildStarted() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("surefire-reports"));
    Path old = Files.writeString(dir.resolve("TEST-it.Old.xml"), report(7, 0, 0, 0));
    Files.writeString(dir.resolve("TEST-it.New.xml"), report(2, 0, 0, 0));
    long start = System.currentTimeMillis() - 60_000;
    Files.setLastModifiedTime(old, FileTime.fromMillis(start - 60_000));
    assertEquals(new TestCounts(2, 0, 0, 0), TestCounts.read(List.of(dir), start));
  }
}
