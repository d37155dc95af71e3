package dev.strongroom.storage;

import static dev.strongroom.storage.StorageTesting.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("SqliteMetadataStore")
class SqliteMetadataStoreTest extends MetadataStoreConformance {

    @Override
    protected MetadataStore newStore(Path tmp) {
        return new SqliteMetadataStore(tmp.resolve("metadata.db"));
    }

    private Path dbFile() {
        return tmp.resolve("metadata.db");
    }

    @Nested
    @DisplayName("SQLite specifics")
    class Specifics {

        @Test
        @DisplayName("WAL journal, synchronous=FULL, foreign keys on, a busy timeout")
        void pragmas() {
            SqliteMetadataStore sqlite = (SqliteMetadataStore) store;

            assertThat(sqlite.writerPragma("journal_mode")).isEqualTo("wal");
            assertThat(sqlite.writerPragma("synchronous")).isEqualTo("2");
            assertThat(sqlite.writerPragma("foreign_keys")).isEqualTo("1");
            assertThat(Integer.parseInt(sqlite.writerPragma("busy_timeout"))).isGreaterThanOrEqualTo(1000);
        }

        @Test
        @DisplayName("the schema has the tables V1 lists, with foreign keys that hold")
        void schema() throws Exception {
            List<String> tables = new ArrayList<>();
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dbFile());
                    Statement s = c.createStatement();
                    ResultSet r = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")) {
                while (r.next()) {
                    tables.add(r.getString(1));
                }
                try (ResultSet violations = s.executeQuery("PRAGMA foreign_key_check")) {
                    assertThat(violations.next()).isFalse();
                }
            }
            assertThat(tables).containsExactlyInAnyOrder("accounts", "chain_entries", "account_objects", "challenges",
                    "tokens", "vaults", "vault_keys", "packs", "commits", "log_leaves", "flyway_schema_history");
        }

        @Test
        @DisplayName("the database file is readable by its owner only")
        void permissions() throws Exception {
            if (!Files.getFileStore(dbFile()).supportsFileAttributeView("posix")) {
                return;
            }
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dbFile()))).isEqualTo("rw-------");
        }

        @Test
        @DisplayName("a database migrated by a newer version is refused")
        void newerSchema() throws Exception {
            store.close();
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dbFile());
                    Statement s = c.createStatement()) {
                s.execute("INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, "
                        + "checksum, installed_by, execution_time, success) "
                        + "VALUES (99, '99', 'from the future', 'SQL', 'V99__future.sql', 0, 'test', 0, 1)");
            }

            assertThatThrownBy(() -> new SqliteMetadataStore(dbFile())).isInstanceOf(StorageFailureException.class)
                    .hasMessageContaining("migration");

            store = newStore(tmp.resolve("fresh")); // for closeStore()
        }

        @Test
        @DisplayName("two stores on one file (two server processes) still get one winner per seq")
        void twoStoresOneFile() throws Exception {
            byte[] account = id32();
            byte[] vault = id16();
            store.createAccount(account, bytes(1, 10), 1);
            store.createVault(vault, account, 1, new byte[] {1}, 1);
            try (MetadataStore second = newStore(tmp)) {
                List<Boolean> results = StorageTesting.race(8, i ->
                        () -> (i % 2 == 0 ? store : second).appendCommit(vault, commit(1, i)));

                assertThat(results).containsOnlyOnce(true);
                assertThat(second.head(vault)).hasValueSatisfying(
                        h -> assertThat(writerOf(h)).isEqualTo(results.indexOf(true)));
            }
        }

        @Test
        @DisplayName("failures are StorageFailureExceptions whose messages hold no values")
        void failureMessages() {
            byte[] account = newAccount();
            store.close();

            assertThatThrownBy(() -> store.accountExists(account)).isInstanceOf(StorageFailureException.class)
                    .message().doesNotContain(HexFormat.of().formatHex(account)).startsWith("metadata store:");
            assertThatThrownBy(() -> store.appendChainEntry(account, 1, bytes(1, 1), 1))
                    .isInstanceOf(StorageFailureException.class);

            store = newStore(tmp);
        }
    }
}
