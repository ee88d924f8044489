package dev.backlog.tracker;

import dev.backlog.tracker.spi.TrackerContext;
import dev.backlog.tracker.spi.TrackerProvider;
import dev.backlog.tracker.spi.TrackerProviderFactory;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tracker providers registered with a class loader. Lists the {@link TrackerProviderFactory}
 * services through {@link ServiceLoader} with the explicit class loader the host passes (build
 * tools run plugins in their own class realms); a provider is created only when {@link #open}
 * selects its id. Nothing activates just by being on the class path. A broken registration is
 * recorded in {@link #problems()} under its class name and hides no other provider.
 *
 * <p>Immutable after discovery and thread-safe.
 */
public final class TrackerProviders {

  private static final Logger LOG = LoggerFactory.getLogger(TrackerProviders.class);
  private static final Pattern PROVIDER_NAME = Pattern.compile("Provider (\\S+)");
  private static final Pattern SUBTYPE_NAME = Pattern.compile(": (\\S+) not a subtype");

  private final Map<String, TrackerProviderFactory> factories;
  private final List<ProviderProblem> problems;

  private TrackerProviders(
      Map<String, TrackerProviderFactory> factories, List<ProviderProblem> problems) {
    this.factories = Collections.unmodifiableMap(factories);
    this.problems = List.copyOf(problems);
  }

  /** Lists the providers registered with the given class loader. */
  public static TrackerProviders discover(ClassLoader loader) {
    Objects.requireNonNull(loader, "loader");
    Map<String, TrackerProviderFactory> found = new TreeMap<>();
    List<ProviderProblem> problems = new ArrayList<>();
    Iterator<TrackerProviderFactory> it =
        ServiceLoader.load(TrackerProviderFactory.class, loader).iterator();
    while (true) {
      TrackerProviderFactory factory;
      try {
        if (!it.hasNext()) {
          break;
        }
        factory = it.next();
      } catch (ServiceConfigurationError e) {
        String name = nameOf(e);
        problems.add(
            new ProviderProblem(
                name,
                "could not be loaded ("
                    + rootMessage(e)
                    + "); fix or remove its META-INF/services registration"));
        LOG.warn(
            "tracker provider {} could not be loaded; other providers stay available", name, e);
        continue;
      }
      register(factory, found, problems);
    }
    return new TrackerProviders(found, problems);
  }

  private static void register(
      TrackerProviderFactory factory,
      Map<String, TrackerProviderFactory> found,
      List<ProviderProblem> problems) {
    String className = factory.getClass().getName();
    String id;
    int version;
    try {
      id = factory.id();
      version = factory.spiVersion();
    } catch (RuntimeException | LinkageError e) {
      problems.add(
          new ProviderProblem(
              className, "its factory failed to report an id (" + e + "); fix the provider"));
      LOG.warn("tracker provider {} failed to report its id", className, e);
      return;
    }
    if (id == null || !id.matches("[a-z][a-z0-9-]{0,63}")) {
      problems.add(
          new ProviderProblem(
              className,
              "reports the id '"
                  + id
                  + "', which is not a lower-case provider id; fix the provider"));
    } else if (version != TrackerProviderFactory.SPI_VERSION) {
      problems.add(
          new ProviderProblem(
              className,
              "provider '"
                  + id
                  + "' speaks tracker SPI version "
                  + version
                  + " but this backlog speaks version "
                  + TrackerProviderFactory.SPI_VERSION
                  + "; use a provider release built for this version"));
    } else if (found.containsKey(id)) {
      problems.add(
          new ProviderProblem(
              className,
              "provider id '"
                  + id
                  + "' is already taken by "
                  + found.get(id).getClass().getName()
                  + "; remove one of the two from the class path"));
    } else {
      found.put(id, factory);
    }
  }

  /** The ids of the usable providers, sorted. */
  public List<String> ids() {
    return List.copyOf(factories.keySet());
  }

  /** The factory of a usable provider. */
  public Optional<TrackerProviderFactory> factory(String id) {
    return Optional.ofNullable(factories.get(id));
  }

  /** The registrations that could not be used, with why. */
  public List<ProviderProblem> problems() {
    return problems;
  }

  /**
   * Creates the provider the configuration selects.
   *
   * @throws TrackerConfigException naming the file, {@code tracker.provider}, the usable ids and
   *     the broken registrations when no usable provider has the configured id; or naming the
   *     block, when the selected provider has no block of its own and another block is named for a
   *     provider that is not installed (a mistyped block name)
   */
  public TrackerProvider open(TrackerConfig config, InstantSource clock) {
    Objects.requireNonNull(config, "config");
    TrackerProviderFactory factory = factories.get(config.provider());
    if (factory == null) {
      String broken =
          problems.isEmpty()
              ? ""
              : "; registrations that failed: "
                  + problems.stream()
                      .map(ProviderProblem::toString)
                      .collect(Collectors.joining("; "));
      throw new TrackerConfigException(
          config.source().orElse(null),
          "tracker.provider",
          "names provider '"
              + config.provider()
              + "', which is not installed (available: "
              + (factories.isEmpty() ? "none" : String.join(", ", factories.keySet()))
              + ")"
              + broken,
          "use one of the available ids, or put the provider's jar on the class path");
    }
    if (!config.hasOwnBlock()) {
      for (String block : config.otherBlocks()) {
        if (!factories.containsKey(block)) {
          throw new TrackerConfigException(
              config.source().orElse(null),
              "tracker." + block,
              "is a block for provider '"
                  + block
                  + "', which is not installed (available: "
                  + String.join(", ", factories.keySet())
                  + "), and provider '"
                  + config.provider()
                  + "' has no block of its own",
              "rename the block to \""
                  + config.provider()
                  + "\" if these are its settings, or remove it");
        }
      }
    }
    LOG.info("opening tracker provider '{}' ({})", config.provider(), factory.getClass().getName());
    return factory.create(new TrackerContext(config, clock));
  }

  private static String nameOf(ServiceConfigurationError e) {
    String message = String.valueOf(e.getMessage());
    Matcher provider = PROVIDER_NAME.matcher(message);
    if (provider.find()) {
      return provider.group(1);
    }
    Matcher subtype = SUBTYPE_NAME.matcher(message);
    if (subtype.find()) {
      return subtype.group(1);
    }
    return message;
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root == e ? String.valueOf(e.getMessage()) : e.getMessage() + ": " + root;
  }

  @Override
  public String toString() {
    return "TrackerProviders"
        + factories.keySet()
        + (problems.isEmpty() ? "" : " problems=" + problems);
  }
}
