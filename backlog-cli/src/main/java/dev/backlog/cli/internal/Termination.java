package dev.backlog.cli.internal;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets a long-running command end in order on SIGTERM and SIGINT instead of the JVM's default
 * shutdown, in which shutdown hooks (H2's closing of its database among them) run all at once and a
 * command cannot finish its last writes. Uses {@code sun.misc.Signal} of the {@code
 * jdk.unsupported} module, through reflection (it is not a compile-time API); where it is missing
 * the JVM's default stays.
 */
final class Termination {

  private static final Logger LOG = LoggerFactory.getLogger(Termination.class);

  private Termination() {}

  /**
   * Runs {@code action} on the signal's own thread when SIGTERM or SIGINT arrives, in place of the
   * JVM's shutdown; the action must make the command return soon.
   *
   * @return whether the handlers were installed
   */
  static boolean onSignal(Runnable action) {
    try {
      Class<?> signal = Class.forName("sun.misc.Signal");
      Class<?> handlerType = Class.forName("sun.misc.SignalHandler");
      Object handler =
          Proxy.newProxyInstance(
              handlerType.getClassLoader(),
              new Class<?>[] {handlerType},
              (proxy, method, args) -> {
                switch (method.getName()) {
                  case "handle" -> action.run();
                  case "hashCode" -> {
                    return System.identityHashCode(proxy);
                  }
                  case "equals" -> {
                    return proxy == args[0];
                  }
                  case "toString" -> {
                    return "backlog termination handler";
                  }
                  default -> {}
                }
                return null;
              });
      Method handle = signal.getMethod("handle", signal, handlerType);
      for (String name : List.of("TERM", "INT")) {
        handle.invoke(null, signal.getConstructor(String.class).newInstance(name), handler);
      }
      return true;
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      LOG.debug("cannot handle SIGTERM/SIGINT here; the JVM's default shutdown stays", e);
      return false;
    }
  }
}
