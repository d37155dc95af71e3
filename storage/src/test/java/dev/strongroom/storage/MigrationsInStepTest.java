package dev.strongroom.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SQLite and PostgreSQL get their schema from two migration folders. These tests keep them in
 * step: the same files, the same statements up to the one type that differs (BLOB / BYTEA), the
 * same tables and columns once applied; and a migration once released is never edited (Flyway
 * would refuse every database it was applied to: its checksum would no longer match).
 */
@DisplayName("SQLite and PostgreSQL migrations are kept in step")
class MigrationsInStepTest {

    /** SHA-256 of every released migration. A change to the schema is a new file, never an edit. */
    private static final Map<String, String> RELEASED = Map.of(
            "sqlite/V1__init.sql", "0e187bcddeaccf6acd003131a61462f869aebe4f0d4ac1f394f3cbeffbbed256",
            "postgresql/V1__init.sql", "b5da7b87257bcf7453ab67174667039b5cfdeb2af0f454013cb82cec69680783",
            "sqlite/V2__transparency_log.sql", "54c87f1a03bca2b2c6b0a3100f02a0a49be86305a0550d623e0325d84e1575db",
            "postgresql/V2__transparency_log.sql", "6f1c60a1f677f83f9a4c7ae967db55cc878f0b432ebd6acd7c5b90d6cf65ce3f");

    private static Path folder(String database) throws URISyntaxException {
        return Path.of(MigrationsInStepTest.class.getClassLoader().getResource("db/migration/" + database).toURI());
    }

    private static List<String> files(String database) throws Exception {
        try (Stream<Path> s = Files.list(folder(database))) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** The statements of a migration: comments dropped, whitespace collapsed. */
    private static List<String> statements(Path file) throws IOException {
        StringBuilder sql = new StringBuilder();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            int comment = line.indexOf("--");
            sql.append(comment >= 0 ? line.substring(0, comment) : line).append(' ');
        }
        List<String> out = new ArrayList<>();
        for (String s : sql.toString().split(";")) {
            String t = s.replaceAll("\\s+", " ").strip();
            if (!t.isEmpty()) {
                out.add(t);
            }
        }
        return out;
    }

    @Test
    @DisplayName("both folders hold the same migration files")
    void sameFiles() throws Exception {
        assertThat(files("sqlite")).isNotEmpty().allMatch(f -> f.matches("V[0-9]+__[a-z0-9_]+\\.sql"));
        assertThat(files("postgresql")).isEqualTo(files("sqlite"));
    }

    @Test
    @DisplayName("each PostgreSQL migration is its SQLite twin with BYTEA for BLOB, statement by statement")
    void sameStatements() throws Exception {
        for (String f : files("sqlite")) {
            List<String> sqlite = statements(folder("sqlite").resolve(f)).stream()
                    .map(s -> s.replaceAll("\\bBLOB\\b", "BYTEA")).toList();
            assertThat(statements(folder("postgresql").resolve(f))).as(f).isEqualTo(sqlite);
        }
    }

    @Test
    @DisplayName("released migrations are unchanged (a schema change is a new V<n> file in both folders)")
    void releasedAreUnchanged() throws Exception {
        for (Map.Entry<String, String> e : RELEASED.entrySet()) {
            String[] parts = e.getKey().split("/");
            byte[] content = Files.readAllBytes(folder(parts[0]).resolve(parts[1]));
            assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content)))
                    .as(e.getKey()).isEqualTo(e.getValue());
        }
    }

    @Test
    @DisplayName("applied, both give the same tables with the same columns, nullability and primary keys")
    void sameSchema(@TempDir Path tmp) throws Exception {
        new SqliteMetadataStore(tmp.resolve("m.db")).close();
        String schema = TestPostgres.newSchema();
        new PostgresMetadataStore(TestPostgres.settings(schema, 2)).close();

        Map<String, List<String>> sqlite;
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + tmp.resolve("m.db"))) {
            sqlite = describe(c.getMetaData(), null);
        }
        Map<String, List<String>> postgres;
        try (Connection c = TestPostgres.server().getPostgresDatabase().getConnection()) {
            postgres = describe(c.getMetaData(), schema);
        }
        assertThat(sqlite).containsKeys("accounts", "commits", "packs");
        assertThat(postgres).isEqualTo(sqlite);
    }

    /** Table → "column nullable" lines in column order, then "pk: columns". Flyway's own table is left out. */
    private static Map<String, List<String>> describe(DatabaseMetaData m, String schema) throws Exception {
        Map<String, List<String>> tables = new TreeMap<>();
        try (ResultSet t = m.getTables(null, schema, "%", new String[] {"TABLE"})) {
            while (t.next()) {
                String name = t.getString("TABLE_NAME");
                if (!name.startsWith("flyway_") && !name.startsWith("sqlite_")) {
                    tables.put(name, new ArrayList<>());
                }
            }
        }
        for (Map.Entry<String, List<String>> e : tables.entrySet()) {
            try (ResultSet c = m.getColumns(null, schema, e.getKey(), "%")) {
                while (c.next()) {
                    e.getValue().add(c.getString("COLUMN_NAME") + " " + c.getString("IS_NULLABLE"));
                }
            }
            TreeMap<Integer, String> pk = new TreeMap<>();
            try (ResultSet k = m.getPrimaryKeys(null, schema, e.getKey())) {
                while (k.next()) {
                    pk.put(k.getInt("KEY_SEQ"), k.getString("COLUMN_NAME"));
                }
            }
            e.getValue().add("pk: " + String.join(",", pk.values()));
        }
        return tables;
    }
}
