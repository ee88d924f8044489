package dev.backlog.jdbc;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * Data sources that let a test see what a store sends: one that counts the statements it prepares
 * with a given text, one that runs every transaction on a single physical connection (so that its
 * prepared statements and their plans can be read afterwards). Thread-safe as their connections
 * are.
 */
public final class TestDataSources {

  /** Gives a connection for every {@code getConnection}. */
  private interface Source {
    Connection get() throws Exception;
  }

  private TestDataSources() {}

  /**
   * Connections straight from the driver (a new one per transaction), adding one to {@code
   * prepared} for every statement prepared whose text contains {@code marker}.
   */
  public static DataSource counting(String url, String marker, AtomicInteger prepared) {
    return dataSource(
        "counting data source",
        () -> {
          Connection real = DriverManager.getConnection(url);
          return (Connection)
              Proxy.newProxyInstance(
                  TestDataSources.class.getClassLoader(),
                  new Class<?>[] {Connection.class},
                  (proxy, method, args) -> {
                    if (method.getName().startsWith("prepare")
                        && args != null
                        && args[0] instanceof String sql
                        && sql.contains(marker)) {
                      prepared.incrementAndGet();
                    }
                    return invoke(method, real, args);
                  });
        });
  }

  /**
   * Every {@code getConnection} gives {@code real}, whose {@code close} then does nothing: the test
   * closes it.
   */
  public static DataSource oneConnection(Connection real) {
    Connection shared =
        (Connection)
            Proxy.newProxyInstance(
                TestDataSources.class.getClassLoader(),
                new Class<?>[] {Connection.class},
                (proxy, method, args) ->
                    switch (method.getName()) {
                      case "close" -> null;
                      case "isClosed" -> false;
                      default -> invoke(method, real, args);
                    });
    return dataSource("one connection", () -> shared);
  }

  private static Object invoke(Method method, Object target, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  private static DataSource dataSource(String name, Source source) {
    return (DataSource)
        Proxy.newProxyInstance(
            TestDataSources.class.getClassLoader(),
            new Class<?>[] {DataSource.class},
            (proxy, method, args) ->
                switch (method.getName()) {
                  case "getConnection" -> source.get();
                  case "isWrapperFor" -> false;
                  case "getLoginTimeout" -> 0;
                  case "toString" -> name;
                  case "hashCode" -> System.identityHashCode(proxy);
                  case "equals" -> proxy == args[0];
                  default -> null;
                });
  }
}
