package dev.strongroom.storage;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Where a server keeps its data, written as URIs an operator puts in a configuration file, and
 * the stores they open.
 *
 * <pre>
 * metadata = "sqlite:/srv/sr/meta.db"                               (the embedded default)
 * metadata = "postgresql://strongroom@db.internal:5432/strongroom?sslmode=verify-full"
 * blobs    = "file:/srv/sr/packs"                                   (the embedded default)
 * blobs    = "s3://bucket/prefix?endpoint=https://s3.example&amp;region=eu-central-1"
 * </pre>
 *
 * <p><b>{@code sqlite:PATH}</b> (also {@code sqlite:///abs/path}): a SQLite file.
 * <b>{@code file:PATH}</b>: a folder of packs. Relative paths are resolved against a base
 * folder (the server's data folder).
 *
 * <p><b>{@code postgresql://[user[:password]@]host[:port][,host2[:port]...][/database][?param=value&...]}</b>
 * (also {@code postgres://}): query parameters go to the PostgreSQL JDBC driver as they are
 * ({@code sslmode}, {@code sslrootcert}, {@code currentSchema}, {@code targetServerType}, ...).
 * A password belongs in a file or the environment, not in the URI (see {@link PostgresOptions});
 * without one the driver reads {@code ~/.pgpass}.
 *
 * <p><b>{@code s3://bucket[/prefix]?param=value&...}</b> with parameters {@code endpoint} (a
 * custom endpoint, for S3-compatible stores), {@code region}, {@code path_style}
 * ({@code true}/{@code false}; default true with a custom endpoint, else false), {@code profile}
 * (a named profile of the shared AWS files), {@code part_size_mib} (default 8),
 * {@code multipart_threshold_mib} (default 8), {@code buffer_mib} (upload buffers across all
 * uploads, default 256), {@code max_connections} (default 64). Credentials come from the AWS
 * SDK's default chain ({@code AWS_ACCESS_KEY_ID}/{@code AWS_SECRET_ACCESS_KEY}, profiles, web
 * identity, container or instance roles). Unknown parameters are refused (a typo must not
 * silently change where packs go).
 */
public final class Stores {

    private Stores() {
    }

    /** A parsed metadata location. */
    public sealed interface MetadataLocation {
        /** A description safe to print and log (no password). */
        String describe();
    }

    public record SqliteLocation(Path file) implements MetadataLocation {
        @Override
        public String describe() {
            return "sqlite:" + file;
        }
    }

    public record PostgresLocation(PostgresMetadataStore.Settings settings) implements MetadataLocation {
        @Override
        public String describe() {
            return settings.jdbcUrl().replaceFirst("^jdbc:", "") + (settings.user().isEmpty() ? ""
                    : " (user " + settings.user() + ")");
        }
    }

    /** A parsed blob location. */
    public sealed interface BlobLocation {
        String describe();
    }

    public record FolderLocation(Path root) implements BlobLocation {
        @Override
        public String describe() {
            return "file:" + root;
        }
    }

    public record S3Location(S3BlobStore.Settings settings) implements BlobLocation {
        @Override
        public String describe() {
            S3BlobStore.Settings s = settings;
            return "s3://" + s.bucket() + "/" + s.prefix() + s.endpoint().map(e -> " at " + e).orElse("")
                    + (s.pathStyle() ? " (path-style)" : " (virtual-host)");
        }
    }

    /**
     * What a PostgreSQL URI does not say: the password (from a file or the environment; empty for
     * none or {@code ~/.pgpass}) and the pool.
     */
    public record PostgresOptions(Optional<String> password, int poolSize, long connectTimeoutMillis) {
        public PostgresOptions {
            Objects.requireNonNull(password, "password");
        }

        public static PostgresOptions defaults() {
            return new PostgresOptions(Optional.empty(), 16, 10_000);
        }
    }

    // ---- parsing ----

    /** Parses a metadata URI; relative SQLite paths resolve against {@code base}. */
    public static MetadataLocation metadata(String uri, Path base, PostgresOptions options) {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(options, "options");
        String u = uri.strip();
        if (u.startsWith("sqlite:")) {
            return new SqliteLocation(path(u.substring("sqlite:".length()), base, "sqlite:"));
        }
        if (u.startsWith("postgresql://") || u.startsWith("postgres://")) {
            return new PostgresLocation(postgres(u.substring(u.indexOf("://") + 3), options));
        }
        throw new IllegalArgumentException("the metadata store must be sqlite:PATH or postgresql://HOST/DATABASE");
    }

    /** Parses a blob URI; relative folder paths resolve against {@code base}. */
    public static BlobLocation blobs(String uri, Path base) {
        Objects.requireNonNull(uri, "uri");
        String u = uri.strip();
        if (u.startsWith("file:")) {
            return new FolderLocation(path(u.substring("file:".length()), base, "file:"));
        }
        if (u.startsWith("s3://")) {
            return new S3Location(s3(u));
        }
        throw new IllegalArgumentException("the blob store must be file:PATH or s3://BUCKET[/PREFIX]");
    }

    private static Path path(String rest, Path base, String scheme) {
        String p = rest.startsWith("//") ? rest.substring(2) : rest;
        if (p.isEmpty() || p.indexOf('\0') >= 0) {
            throw new IllegalArgumentException(scheme + " needs a path");
        }
        Path path = Path.of(URLDecoder.decode(p.replace("+", "%2B"), StandardCharsets.UTF_8));
        return (path.isAbsolute() ? path : base.resolve(path)).toAbsolutePath().normalize();
    }

    private static PostgresMetadataStore.Settings postgres(String rest, PostgresOptions options) {
        String query = "";
        int q = rest.indexOf('?');
        if (q >= 0) {
            query = rest.substring(q + 1);
            rest = rest.substring(0, q);
        }
        int slash = rest.indexOf('/');
        String authority = slash < 0 ? rest : rest.substring(0, slash);
        String database = slash < 0 ? "" : rest.substring(slash + 1);
        String user = "";
        Optional<String> password = options.password();
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            String userInfo = authority.substring(0, at);
            authority = authority.substring(at + 1);
            int colon = userInfo.indexOf(':');
            user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
            if (colon >= 0 && password.isEmpty()) {
                password = Optional.of(decode(userInfo.substring(colon + 1)));
            }
        }
        if (authority.isEmpty() || !authority.matches("[A-Za-z0-9.\\-\\[\\]:,%_]+")) {
            throw new IllegalArgumentException("postgresql:// needs a host (host[:port][,host[:port]...])");
        }
        if (database.isEmpty()) {
            database = "strongroom";
        }
        if (!database.matches("[A-Za-z0-9_.\\-]+")) {
            throw new IllegalArgumentException("the PostgreSQL database name must be of A-Z a-z 0-9 _ . -");
        }
        for (String pair : query.split("&")) {
            if (!pair.isEmpty() && (!pair.contains("=") || pair.startsWith("="))) {
                throw new IllegalArgumentException("postgresql:// query parameters are name=value pairs");
            }
            String name = pair.contains("=") ? decode(pair.substring(0, pair.indexOf('='))) : "";
            if (name.equalsIgnoreCase("password") || name.equalsIgnoreCase("user")) {
                throw new IllegalArgumentException("put the user before '@' and the password in a file or the "
                        + "environment, not in query parameters");
            }
        }
        String jdbc = "jdbc:postgresql://" + authority + "/" + database + (query.isEmpty() ? "" : "?" + query);
        return new PostgresMetadataStore.Settings(jdbc, user, password, options.poolSize(),
                options.connectTimeoutMillis());
    }

    private static final Set<String> S3_PARAMETERS = Set.of("endpoint", "region", "path_style", "profile",
            "part_size_mib", "multipart_threshold_mib", "buffer_mib", "max_connections");

    private static S3BlobStore.Settings s3(String uri) {
        String rest = uri.substring("s3://".length());
        String query = "";
        int q = rest.indexOf('?');
        if (q >= 0) {
            query = rest.substring(q + 1);
            rest = rest.substring(0, q);
        }
        int slash = rest.indexOf('/');
        String bucket = slash < 0 ? rest : rest.substring(0, slash);
        String prefix = slash < 0 ? "" : rest.substring(slash + 1);
        if (!prefix.isEmpty() && !prefix.endsWith("/")) {
            prefix = prefix + "/";
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("s3:// query parameters are name=value pairs");
            }
            String name = decode(pair.substring(0, eq)).replace('-', '_');
            if (!S3_PARAMETERS.contains(name)) {
                throw new IllegalArgumentException("unknown s3:// parameter '" + name + "'; known: "
                        + String.join(", ", new java.util.TreeSet<>(S3_PARAMETERS)));
            }
            if (params.put(name, decode(pair.substring(eq + 1))) != null) {
                throw new IllegalArgumentException("s3:// parameter '" + name + "' given twice");
            }
        }
        Optional<URI> endpoint = Optional.ofNullable(params.get("endpoint")).map(Stores::endpoint);
        boolean pathStyle = Optional.ofNullable(params.get("path_style")).map(v -> bool(v, "path_style"))
                .orElse(endpoint.isPresent());
        S3BlobStore.Settings s = S3BlobStore.Settings.of(bucket, prefix, endpoint,
                Optional.ofNullable(params.get("region")).filter(r -> !r.isBlank()), pathStyle);
        long mib = 1 << 20;
        long part = params.containsKey("part_size_mib") ? number(params.get("part_size_mib"), "part_size_mib") * mib
                : s.partSize();
        long threshold = params.containsKey("multipart_threshold_mib")
                ? number(params.get("multipart_threshold_mib"), "multipart_threshold_mib") * mib : s.multipartThreshold();
        s = s.withParts(part, threshold).withProfile(Optional.ofNullable(params.get("profile")));
        if (params.containsKey("buffer_mib")) {
            s = s.withBufferBudget(number(params.get("buffer_mib"), "buffer_mib") * mib);
        }
        if (params.containsKey("max_connections")) {
            s = s.withMaxConnections((int) number(params.get("max_connections"), "max_connections"));
        }
        return s;
    }

    private static URI endpoint(String value) {
        try {
            URI e = new URI(value);
            if (!("https".equals(e.getScheme()) || "http".equals(e.getScheme())) || e.getHost() == null) {
                throw new IllegalArgumentException("the S3 endpoint must be an http(s)://host[:port] URL");
            }
            return e;
        } catch (URISyntaxException ex) {
            throw new IllegalArgumentException("the S3 endpoint must be an http(s)://host[:port] URL");
        }
    }

    private static boolean bool(String v, String name) {
        return switch (v.toLowerCase(java.util.Locale.ROOT)) {
            case "true", "1", "yes" -> true;
            case "false", "0", "no" -> false;
            default -> throw new IllegalArgumentException(name + " must be true or false");
        };
    }

    private static long number(String v, String name) {
        try {
            long n = Long.parseLong(v.strip());
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number");
        }
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    // ---- opening ----

    /** Opens (creating and migrating if needed) the metadata store at a location. */
    public static MetadataStore open(MetadataLocation location) {
        return switch (location) {
            case SqliteLocation s -> new SqliteMetadataStore(s.file());
            case PostgresLocation p -> new PostgresMetadataStore(p.settings());
        };
    }

    /** Opens the blob store at a location. */
    public static BlobStore open(BlobLocation location) throws java.io.IOException {
        return switch (location) {
            case FolderLocation f -> new FileBlobStore(f.root());
            case S3Location s -> new S3BlobStore(s.settings());
        };
    }

    /**
     * Applies the schema migrations a metadata location lacks and returns the schema version it
     * is then at. Opening a store migrates too; this is the explicit step for deployments.
     */
    public static String migrate(MetadataLocation location) {
        switch (location) {
            case SqliteLocation s -> {
                new SqliteMetadataStore(s.file()).close();
                try {
                    MigrationInfo current = Flyway.configure(Stores.class.getClassLoader())
                            .dataSource("jdbc:sqlite:" + s.file(), null, null)
                            .locations("classpath:db/migration/sqlite").load().info().current();
                    return current == null ? "none" : current.getVersion().getVersion();
                } catch (FlywayException e) {
                    throw new StorageFailureException("metadata store: could not read the schema version", e);
                }
            }
            case PostgresLocation p -> {
                PostgresMetadataStore.Settings settings = p.settings();
                PGSimpleDataSource ds = new PGSimpleDataSource();
                ds.setURL(settings.jdbcUrl());
                if (!settings.user().isEmpty()) {
                    ds.setUser(settings.user());
                }
                settings.password().ifPresent(ds::setPassword);
                ds.setApplicationName("strongroom-migrate");
                ds.setConnectTimeout((int) Math.max(1, settings.connectTimeoutMillis() / 1000));
                try {
                    return PostgresMetadataStore.migrate(ds);
                } catch (FlywayException e) {
                    throw new StorageFailureException("metadata store: schema migration failed", e);
                }
            }
        }
    }
}
