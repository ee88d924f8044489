package dev.backlog.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * H2 stays the host's choice: without it on the class path the store's classes load, and only the
 * shared-file option needs it, which then says so.
 */
class H2OptionalTest {

  @TempDir Path dir;

  @Test
  void withoutH2TheStoreLoadsAndTheSharedFileOptionAsksForTheDriver() throws Exception {
    List<URL> urls = new ArrayList<>();
    String classPath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    for (String entry : classPath.split(File.pathSeparator)) {
      if (!entry.isEmpty() && !Path.of(entry).getFileName().toString().startsWith("h2-")) {
        urls.add(Path.of(entry).toUri().toURL());
      }
    }
    try (URLClassLoader withoutH2 =
        new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
      assertEquals(
          ClassNotFoundException.class, failureOf(() -> withoutH2.loadClass("org.h2.Driver")));
      // Loading, verifying and initializing the API classes needs no H2 class.
      Class<?> store = Class.forName(JdbcBacklogStore.class.getName(), true, withoutH2);
      Class<?> builderType =
          Class.forName(JdbcBacklogStore.Builder.class.getName(), true, withoutH2);
      Class<?> shared = Class.forName(H2SharedFile.class.getName(), true, withoutH2);
      Class<?> mode = Class.forName(H2SharedFile.Mode.class.getName(), true, withoutH2);
      Object file =
          shared.getMethod("of", Path.class, mode).invoke(null, dir, mode.getEnumConstants()[0]);
      Object builder = store.getMethod("builder").invoke(null);
      builderType.getMethod("sharedH2File", shared).invoke(builder, file);
      Method build = builderType.getMethod("build");
      InvocationTargetException e =
          org.junit.jupiter.api.Assertions.assertThrows(
              InvocationTargetException.class, () -> build.invoke(builder));
      assertEquals(
          "dev.backlog.core.StoreUnavailableException",
          e.getCause().getClass().getName(),
          e.getCause().toString());
      assertTrue(
          e.getCause().getMessage().contains("add com.h2database:h2 to the class path"),
          e.getCause().getMessage());
    }
    Process probe = LockHolder.start("probe", dir.resolve(H2SharedFile.OPEN_LOCK_FILE));
    assertEquals("free", LockHolder.firstLine(probe), "the failed open released the open lock");
    probe.waitFor();
  }

  private interface Call {
    void run() throws Exception;
  }

  private static Class<?> failureOf(Call call) {
    try {
      call.run();
      return null;
    } catch (Exception e) {
      return e.getClass();
    }
  }
}
