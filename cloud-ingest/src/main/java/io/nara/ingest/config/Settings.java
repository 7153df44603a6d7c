package io.nara.ingest.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeSet;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Where a setting of the node comes from, in this order (the first that has it wins):
 * <ol>
 *   <li>the command line ({@code --pg-url ...});</li>
 *   <li>the environment: {@code NARA_INGEST_} and the option's name in capitals with {@code _} for {@code -}
 *       ({@code NARA_INGEST_PG_URL});</li>
 *   <li>the configuration file: a Java properties file whose keys are the options' names without {@code --}
 *       ({@code pg-url = jdbc:...}); {@code --config FILE}, else {@code NARA_INGEST_CONFIG}, else
 *       {@value #DEFAULT_FILE} if it exists;</li>
 *   <li>the option's built-in default.</li>
 * </ol>
 * A key or {@code NARA_INGEST_} variable that names no option is an error, not ignored: a typo would otherwise leave
 * the node running on a default nobody chose. Secrets are never values here, only the files that hold them.
 */
public final class Settings implements CommandLine.IDefaultValueProvider {

    public static final String DEFAULT_FILE = "/etc/nara/ingest.properties";
    public static final String ENV_PREFIX = "NARA_INGEST_";
    public static final String CONFIG_ENV = ENV_PREFIX + "CONFIG";

    private final Map<String, String> env;
    private final Optional<Path> file;
    private final Properties properties;

    private Settings(Map<String, String> env, Optional<Path> file, Properties properties) {
        this.env = env;
        this.file = file;
        this.properties = properties;
    }

    /**
     * The sources for these command-line arguments and this environment; reads the configuration file. Throws
     * {@link ConfigurationException} for a file that was named but cannot be read.
     */
    public static Settings load(List<String> args, Map<String, String> env) {
        Optional<Path> named = configArgument(args)
                .or(() -> Optional.ofNullable(env.get(CONFIG_ENV)).map(Path::of));
        Optional<Path> file =
                named.isPresent() ? named : Optional.of(Path.of(DEFAULT_FILE)).filter(Files::exists);
        Properties properties = new Properties();
        if (file.isPresent()) {
            Path path = file.get();
            try (Reader in = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
                properties.load(in);
            } catch (NoSuchFileException e) {
                throw new ConfigurationException("configuration file " + path + " does not exist");
            } catch (AccessDeniedException e) {
                throw new ConfigurationException("configuration file " + path + " cannot be read by user "
                        + System.getProperty("user.name") + " (permission denied)");
            } catch (IOException | IllegalArgumentException e) {
                throw new ConfigurationException("configuration file " + path + " cannot be read: " + e.getMessage());
            }
        }
        return new Settings(env, file, properties);
    }

    /** The value of {@code --config FILE} or {@code --config=FILE}, read before picocli parses the rest. */
    static Optional<Path> configArgument(List<String> args) {
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--config") && i + 1 < args.size()) {
                return Optional.of(Path.of(args.get(i + 1)));
            }
            if (arg.startsWith("--config=")) {
                return Optional.of(Path.of(arg.substring("--config=".length())));
            }
        }
        return Optional.empty();
    }

    public static String envName(String option) {
        return ENV_PREFIX + option.replaceFirst("^--", "").replace('-', '_').toUpperCase(Locale.ROOT);
    }

    public static String key(String option) {
        return option.replaceFirst("^--", "");
    }

    @Override
    public String defaultValue(ArgSpec argSpec) {
        if (!(argSpec instanceof OptionSpec option) || option.longestName().equals("--config")) {
            return null;
        }
        String value = env.get(envName(option.longestName()));
        if (value == null) {
            value = properties.getProperty(key(option.longestName()));
        }
        return value == null ? null : value.trim();
    }

    /** Fails naming every file key and {@code NARA_INGEST_} variable that is no option of {@code options}. */
    public void requireKnown(Collection<OptionSpec> options) {
        TreeSet<String> keys = new TreeSet<>();
        TreeSet<String> envs = new TreeSet<>(List.of(CONFIG_ENV));
        for (OptionSpec option : options) {
            keys.add(key(option.longestName()));
            envs.add(envName(option.longestName()));
        }
        TreeSet<String> unknown = new TreeSet<>();
        properties.stringPropertyNames().stream()
                .filter(k -> !keys.contains(k))
                .forEach(k -> unknown.add("'" + k + "' in " + file.orElseThrow()));
        env.keySet().stream()
                .filter(k -> k.startsWith(ENV_PREFIX) && !envs.contains(k))
                .forEach(k -> unknown.add("environment variable " + k));
        if (!unknown.isEmpty()) {
            throw new ConfigurationException("unknown setting " + String.join(", ", unknown)
                    + " (settings are the options of --help, without the leading --)");
        }
    }

    /** Where a setting can be given, for messages: "--pg-url, NARA_INGEST_PG_URL or pg-url in FILE". */
    public String where(String option) {
        return option + ", " + envName(option) + " or " + key(option) + " in "
                + file.map(Path::toString).orElse(DEFAULT_FILE);
    }

    public Optional<Path> file() {
        return file;
    }
}
