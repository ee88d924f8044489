package dev.backlog.cli.internal;

import java.nio.file.Path;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.IGetter;
import picocli.CommandLine.Model.ISetter;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ScopeType;

/**
 * The picocli model of {@code backlog claim}, built in code instead of by reflecting over the
 * annotations of {@link RootCommand} and {@link LeaseCommands.ClaimCards}. Reading annotations
 * makes the JDK generate a proxy class per annotation type at run time, which a class-data-sharing
 * archive on JDK 17 cannot hold; a claim is the command a worker runs most often, so it skips that.
 *
 * <p>The model has the same options (names, labels, types, defaults, required, scope) as the
 * annotated one, which stays the source of truth: it renders help, and a command line the model
 * does not accept as is runs on it (see {@link Cli}). This model is used only for lines that name
 * {@code claim} and use nothing but the long options below, and it carries no help texts (the
 * annotated model prints help). A test keeps the two models' options equal.
 *
 * <p>Stateless; each call builds a new model around the given command objects.
 */
final class FastModel {

  /** The root's options (all inherited by subcommands), without help and version. */
  static final Set<String> ROOT_OPTIONS = Set.of("--db", "--db-user", "--home", "--json", "--actor", "--verbose");

  /** The options of {@code claim}. */
  static final Set<String> CLAIM_OPTIONS = Set.of("--owner", "--ttl", "--id", "--phase", "--limit", "--wait");

  private FastModel() {
  }

  /**
   * Whether the command line can run on this model: it names {@code claim} and every argument
   * that starts with {@code -} is one of the long options above (with or without {@code =value}).
   * Help, version, short options and values that start with {@code -} go to the annotated model.
   */
  static boolean covers(String... args) {
    if (!"claim".equals(Commands.commandName(args))) {
      return false;
    }
    for (String arg : args) {
      if (arg.startsWith("-")) {
        int eq = arg.indexOf('=');
        String name = eq < 0 ? arg : arg.substring(0, eq);
        if (!ROOT_OPTIONS.contains(name) && !CLAIM_OPTIONS.contains(name)) {
          return false;
        }
      }
    }
    return true;
  }

  /** The command line of {@code backlog claim} over the given root command. */
  static CommandLine claim(RootCommand root) {
    CommandSpec rootSpec = CommandSpec.wrapWithoutInspection(root).name("backlog");
    rootSpec.addOption(inherited("--db", "URL", String.class, v -> root.db = v, () -> root.db));
    rootSpec.addOption(inherited("--db-user", "USER", String.class, v -> root.dbUser = v, () -> root.dbUser));
    rootSpec.addOption(inherited("--home", "DIR", Path.class, v -> root.home = v, () -> root.home));
    rootSpec.addOption(inherited("--json", "<json>", boolean.class, v -> root.json = v, () -> root.json));
    rootSpec.addOption(inherited("--actor", "NAME", String.class, v -> root.actor = v, () -> root.actor));
    rootSpec.addOption(inherited("--verbose", "<verbose>", boolean.class, v -> root.verbose = v, () -> root.verbose));
    root.spec = rootSpec;

    LeaseCommands.ClaimCards claim = new LeaseCommands.ClaimCards();
    CommandSpec claimSpec = CommandSpec.wrapWithoutInspection(claim).name("claim");
    claimSpec.addOption(option("--owner", "O", String.class, v -> claim.owner = v, () -> claim.owner)
        .required(true).build());
    claimSpec.addOption(option("--ttl", "SEC", long.class, v -> claim.ttl = v, () -> claim.ttl)
        .defaultValue(String.valueOf(LeaseCommands.DEFAULT_TTL_SECONDS)).build());
    claimSpec.addOption(option("--id", "ID", String.class, v -> claim.id = v, () -> claim.id).build());
    claimSpec.addOption(option("--phase", "P", String.class, v -> claim.phase = v, () -> claim.phase).build());
    claimSpec.addOption(option("--limit", "N", int.class, v -> claim.limit = v, () -> claim.limit)
        .defaultValue("1").build());
    claimSpec.addOption(option("--wait", "SEC", long.class, v -> claim.waitSeconds = v, () -> claim.waitSeconds)
        .defaultValue("0").build());
    claim.spec = claimSpec;

    CommandLine cl = new CommandLine(rootSpec);
    cl.addSubcommand("claim", new CommandLine(claimSpec));
    return cl;
  }

  private static <T> OptionSpec inherited(String name, String label, Class<T> type, Consumer<T> set, Supplier<T> get) {
    return option(name, label, type, set, get).scopeType(ScopeType.INHERIT).build();
  }

  private static <T> OptionSpec.Builder option(String name, String label, Class<T> type, Consumer<T> set,
      Supplier<T> get) {
    // The initial value is the field's, as picocli takes it from an annotated field.
    Binding<T> binding = new Binding<>(set, get);
    return OptionSpec.builder(name).type(type).paramLabel(label).initialValue(get.get()).setter(binding)
        .getter(binding);
  }

  /** Reads and writes one field of a command object. */
  private static final class Binding<T> implements ISetter, IGetter {
    private final Consumer<T> set;
    private final Supplier<T> get;

    Binding(Consumer<T> set, Supplier<T> get) {
      this.set = set;
      this.get = get;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <V> V get() {
      return (V) get.get();
    }

    @Override
    @SuppressWarnings("unchecked")
    public <V> V set(V value) {
      V old = (V) get.get();
      set.accept((T) value);
      return old;
    }
  }
}
