package dev.strongroom.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import dev.strongroom.storage.Stores;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How a server runs: where it listens, where its data lives. Read from (highest first) command
 * line flags, {@code STRONGROOM_*} environment variables, a TOML file ({@code --config}), and
 * the embedded defaults:
 *
 * <pre>
 * # server.toml
 * data     = "/srv/strongroom"            # TLS key; shared by every instance
 * listen   = "0.0.0.0:8443"
 * metadata = "postgresql://strongroom@db.internal:5432/strongroom"   # default "sqlite:meta.db" (in data)
 * blobs    = "s3://packs-bucket/strongroom?endpoint=https://s3.example&amp;region=eu-1"  # default "file:packs"
 * metadata_password_file = "/run/secrets/pg"   # or STRONGROOM_METADATA_PASSWORD, or ~/.pgpass
 * metadata_pool_size = 16
 * ops_listen = "127.0.0.1:9090"          # optional plain-HTTP /healthz /readyz /metrics
 * log_format = "text"                    # or "json"
 * </pre>
 *
 * <p>Every key has an environment variable {@code STRONGROOM_<KEY in upper case>} and a flag
 * {@code --<key with dashes>}. The database password is never a flag (command lines are visible
 * to other users): it is {@code STRONGROOM_METADATA_PASSWORD} or the file named by
 * {@code metadata_password_file}. Unknown keys are refused. Relative paths in the file (and in
 * {@code sqlite:}/{@code file:} URIs) are resolved against the data folder.
 */
public record ServerConfig(Path dataDir, InetSocketAddress listen, Optional<InetSocketAddress> opsListen,
                           String metadata, String blobs, Optional<String> metadataPassword, int metadataPoolSize,
                           LogFormat logFormat) {

    public static final String DEFAULT_LISTEN = "127.0.0.1:8443";
    public static final String DEFAULT_METADATA = "sqlite:meta.db";
    public static final String DEFAULT_BLOBS = "file:packs";
    public static final int DEFAULT_POOL_SIZE = 16;

    /** The keys a file, the environment and the flags may set. */
    public static final List<String> KEYS = List.of("data", "listen", "ops_listen", "metadata", "blobs",
            "metadata_password_file", "metadata_pool_size", "log_format");

    public enum LogFormat {
        TEXT, JSON
    }

    public ServerConfig {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(listen, "listen");
        Objects.requireNonNull(opsListen, "opsListen");
        Objects.requireNonNull(metadata, "metadata");
        Objects.requireNonNull(blobs, "blobs");
        Objects.requireNonNull(metadataPassword, "metadataPassword");
        Objects.requireNonNull(logFormat, "logFormat");
        if (metadataPoolSize < 1 || metadataPoolSize > 1000) {
            throw new IllegalArgumentException("metadata_pool_size must be 1-1000");
        }
    }

    /** The embedded defaults in a data folder: SQLite + a folder of packs. */
    public static ServerConfig embedded(Path dataDir, InetSocketAddress listen) {
        return new ServerConfig(dataDir.toAbsolutePath().normalize(), listen, Optional.empty(), DEFAULT_METADATA,
                DEFAULT_BLOBS, Optional.empty(), DEFAULT_POOL_SIZE, LogFormat.TEXT);
    }

    /** The same configuration with other stores (tests, tools). */
    public ServerConfig withStores(String metadata, String blobs) {
        return new ServerConfig(dataDir, listen, opsListen, metadata, blobs, metadataPassword, metadataPoolSize,
                logFormat);
    }

    public ServerConfig withOpsListen(Optional<InetSocketAddress> opsListen) {
        return new ServerConfig(dataDir, listen, opsListen, metadata, blobs, metadataPassword, metadataPoolSize,
                logFormat);
    }

    /**
     * Builds a configuration from its sources.
     *
     * @param file a TOML file, if given
     * @param env the process environment ({@code STRONGROOM_*} variables are read)
     * @param flags values from the command line by key (see {@link #KEYS}); absent keys are unset
     * @param defaultDataDir the data folder when no source names one
     * @throws IllegalArgumentException for an unreadable or malformed file, an unknown key or a bad value
     */
    public static ServerConfig load(Optional<Path> file, Map<String, String> env, Map<String, String> flags,
                                    Path defaultDataDir) {
        Map<String, String> values = new LinkedHashMap<>();
        Path fileDir = null;
        if (file.isPresent()) {
            values.putAll(readFile(file.get()));
            fileDir = file.get().toAbsolutePath().normalize().getParent();
        }
        for (String key : KEYS) {
            String v = env.get("STRONGROOM_" + key.toUpperCase(Locale.ROOT));
            if (v != null && !v.isBlank()) {
                values.put(key, v.strip());
            }
        }
        for (Map.Entry<String, String> f : flags.entrySet()) {
            if (!KEYS.contains(f.getKey())) {
                throw new IllegalArgumentException("unknown setting '" + f.getKey() + "'");
            }
            if (f.getValue() != null) {
                values.put(f.getKey(), f.getValue().strip());
            }
        }

        Path data = values.containsKey("data") ? path(values.get("data"), fileDir) : defaultDataDir;
        data = data.toAbsolutePath().normalize();
        InetSocketAddress listen = address(values.getOrDefault("listen", DEFAULT_LISTEN), "listen");
        Optional<InetSocketAddress> ops = Optional.ofNullable(values.get("ops_listen")).filter(s -> !s.isEmpty())
                .map(s -> address(s, "ops_listen"));
        String metadata = values.getOrDefault("metadata", DEFAULT_METADATA);
        String blobs = values.getOrDefault("blobs", DEFAULT_BLOBS);
        Optional<String> password = Optional.empty();
        String passwordEnv = env.get("STRONGROOM_METADATA_PASSWORD");
        if (values.containsKey("metadata_password_file")) {
            Path p = path(values.get("metadata_password_file"), data);
            try {
                password = Optional.of(Files.readString(p, StandardCharsets.UTF_8).strip());
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read metadata_password_file " + p + ": "
                        + e.getClass().getSimpleName());
            }
        } else if (passwordEnv != null && !passwordEnv.isEmpty()) {
            password = Optional.of(passwordEnv);
        }
        int pool = values.containsKey("metadata_pool_size") ? integer(values.get("metadata_pool_size"),
                "metadata_pool_size") : DEFAULT_POOL_SIZE;
        LogFormat format = switch (values.getOrDefault("log_format", "text").toLowerCase(Locale.ROOT)) {
            case "text" -> LogFormat.TEXT;
            case "json" -> LogFormat.JSON;
            default -> throw new IllegalArgumentException("log_format must be \"text\" or \"json\"");
        };
        ServerConfig config = new ServerConfig(data, listen, ops, metadata, blobs, password, pool, format);
        config.metadataLocation(); // refuse a malformed URI now, not at first use
        config.blobLocation();
        return config;
    }

    private static Map<String, String> readFile(Path file) {
        JsonNode root;
        try {
            root = new TomlMapper().readTree(file.toFile());
        } catch (IOException e) {
            String why = e instanceof java.nio.file.NoSuchFileException || e instanceof java.io.FileNotFoundException
                    ? "no such file" : "not valid TOML (" + firstLine(e.getMessage()) + ")";
            throw new IllegalArgumentException("cannot read the configuration " + file + ": " + why);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("the configuration " + file + " is empty or not a table");
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : root.properties()) {
            if (!KEYS.contains(e.getKey())) {
                throw new IllegalArgumentException("unknown key '" + e.getKey() + "' in " + file + "; known keys: "
                        + String.join(", ", KEYS));
            }
            JsonNode v = e.getValue();
            if (!(v.isTextual() || v.isIntegralNumber())) {
                throw new IllegalArgumentException("'" + e.getKey() + "' in " + file + " must be a string"
                        + (e.getKey().equals("metadata_pool_size") ? " or a number" : ""));
            }
            values.put(e.getKey(), v.asText());
        }
        return values;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "malformed";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static Path path(String value, Path base) {
        if (value.isEmpty() || value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("an empty path");
        }
        Path p = Path.of(value);
        return (p.isAbsolute() || base == null ? p : base.resolve(p)).toAbsolutePath().normalize();
    }

    private static int integer(String v, String key) {
        try {
            return Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number");
        }
    }

    /** Parses {@code HOST:PORT} ({@code [::1]:PORT} for IPv6; port 0 = any free port). */
    public static InetSocketAddress address(String s, String key) {
        int i = s.lastIndexOf(':');
        if (i <= 0) {
            throw new IllegalArgumentException(key + " takes HOST:PORT, e.g. 127.0.0.1:8443");
        }
        String host = s.substring(0, i);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":") || host.contains("[") || host.contains("]")) {
            throw new IllegalArgumentException(key + ": write an IPv6 address in brackets, [::1]:8443");
        }
        int port;
        try {
            port = Integer.parseInt(s.substring(i + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " port must be 0-65535");
        }
        if (port < 0 || port > 65535 || host.isEmpty()) {
            throw new IllegalArgumentException(key + " port must be 0-65535");
        }
        return new InetSocketAddress(host, port);
    }

    public Stores.MetadataLocation metadataLocation() {
        return Stores.metadata(metadata, dataDir, new Stores.PostgresOptions(metadataPassword, metadataPoolSize,
                10_000));
    }

    public Stores.BlobLocation blobLocation() {
        return Stores.blobs(blobs, dataDir);
    }

    /** Whether the stores are the embedded ones (SQLite + a folder). */
    public boolean isEmbedded() {
        return metadataLocation() instanceof Stores.SqliteLocation && blobLocation() instanceof Stores.FolderLocation;
    }

    @Override
    public String toString() {
        return "ServerConfig[data " + dataDir + ", listen " + listen + ", metadata " + metadataLocation().describe()
                + ", blobs " + blobLocation().describe() + "]";
    }
}
