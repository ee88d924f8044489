import java.io.File;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * Before/after rounds in one JVM: the two builds' jars in two class loaders, each with its own
 * database, alternating short timed rounds so that load from other programs hits both alike.
 * Usage: AbHarness BEFORE_CP AFTER_CP RUNNER_DIR KIND WORKERS ROUNDS ROUND_MILLIS PG_URL-or-none PER_ROUND
 * (KIND: h2mem, h2file or pg; PER_ROUND: claimable cards topped up before each round). Prints the
 * throughput of each build, the ratio of the totals and the median of the paired ratios.
 */
public final class AbHarness {
  public static void main(String[] a) throws Exception {
    String kind = a[3];
    int workers = Integer.parseInt(a[4]);
    int rounds = Integer.parseInt(a[5]);
    long millis = Long.parseLong(a[6]);
    Object[] runners = new Object[2];
    Method[] run = new Method[2];
    Method[] topUp = new Method[2];
    for (int i = 0; i < 2; i++) {
      List<URL> urls = new ArrayList<>();
      urls.add(new File(a[2]).toURI().toURL());
      for (String p : a[i].split(":")) {
        urls.add(new File(p).toURI().toURL());
      }
      ClassLoader loader = new URLClassLoader(urls.toArray(new URL[0]), ClassLoader.getPlatformClassLoader());
      Class<?> c = loader.loadClass("AbRunner");
      String url = switch (kind) {
        case "h2mem" -> "jdbc:h2:mem:ab" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        case "h2file" -> "jdbc:h2:file:" + Files.createTempDirectory("ab") + "/b";
        case "pg" -> {
          String schema = "s" + UUID.randomUUID().toString().replace("-", "");
          Class.forName("org.postgresql.Driver", true, loader);
          try (Connection conn = ((java.sql.Driver) Class.forName("org.postgresql.Driver", true, loader)
                  .getDeclaredConstructor().newInstance()).connect(a[7], new java.util.Properties());
               Statement s = conn.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
          }
          yield a[7] + (a[7].contains("?") ? "&" : "?") + "currentSchema=" + schema;
        }
        default -> throw new IllegalArgumentException(kind);
      };
      Thread.currentThread().setContextClassLoader(loader);
      runners[i] = c.getConstructor(String.class, int.class).newInstance(url, workers + 2);
      run[i] = c.getMethod("run", int.class, long.class);
      topUp[i] = c.getMethod("topUp", int.class);
    }
    int perRound = Integer.parseInt(a[8]);
    // Warm-up: both builds, 3 rounds each, not counted.
    for (int w = 0; w < 3; w++) {
      for (int i = 0; i < 2; i++) {
        topUp[i].invoke(runners[i], perRound);
        run[i].invoke(runners[i], workers, millis);
      }
    }
    double[] ratios = new double[rounds];
    long[][] counts = new long[2][rounds];
    for (int r = 0; r < rounds; r++) {
      int first = r % 2;
      for (int k = 0; k < 2; k++) {
        int i = (first + k) % 2;
        topUp[i].invoke(runners[i], perRound);
        System.gc();
        counts[i][r] = (long) run[i].invoke(runners[i], workers, millis);
      }
      ratios[r] = counts[1][r] / (double) counts[0][r];
    }
    double[] sorted = ratios.clone();
    Arrays.sort(sorted);
    double median = rounds % 2 == 1 ? sorted[rounds / 2] : (sorted[rounds / 2 - 1] + sorted[rounds / 2]) / 2;
    long sumB = Arrays.stream(counts[0]).sum();
    long sumA = Arrays.stream(counts[1]).sum();
    System.out.printf(Locale.ROOT, "%s workers=%d rounds=%d x %d ms: before %.0f/s after %.0f/s, after/before total %.3f, median of paired ratios %.3f%n",
        kind, workers, rounds, millis, sumB * 1000.0 / (rounds * millis), sumA * 1000.0 / (rounds * millis),
        sumA / (double) sumB, median);
    System.out.println("  paired ratios: " + Arrays.toString(Arrays.stream(ratios).map(x -> Math.round(x * 1000) / 1000.0).toArray()));
    System.exit(0);
  }
}
