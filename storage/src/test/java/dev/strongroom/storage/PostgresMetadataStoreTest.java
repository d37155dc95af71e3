package dev.strongroom.storage;

import static dev.strongroom.storage.StorageTesting.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.LongStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The conformance suite on a real PostgreSQL (one schema per test), and what only PostgreSQL has. */
@DisplayName("PostgresMetadataStore")
class PostgresMetadataStoreTest extends MetadataStoreConformance {

    @Override
    protected MetadataStore newStore(Path tmp) {
        return new PostgresMetadataStore(TestPostgres.settings(TestPostgres.schemaFor(tmp), 8));
    }

    /** A second store on the same schema: another server instance. */
    private MetadataStore secondInstance() {
        return newStore(tmp);
    }

    @Nested
    @DisplayName("PostgreSQL specifics")
    class Specifics {

        @Test
        @DisplayName("two instances racing for one seq: exactly one wins, and the loser sees the winner's head")
        void twoInstancesOneWinner() throws Exception {
            byte[] vault = newVault();
            try (MetadataStore second = secondInstance()) {
                for (long seq = 1; seq <= 5; seq++) {
                    long s = seq;
                    List<Boolean> results = StorageTesting.race(8, i ->
                            () -> (i % 2 == 0 ? store : second).appendCommit(vault, commit(s, i)));

                    assertThat(results).containsOnlyOnce(true);
                    int winner = results.indexOf(true);
                    assertThat(second.head(vault)).hasValueSatisfying(h -> assertThat(writerOf(h)).isEqualTo(winner));
                    assertThat(store.head(vault)).hasValueSatisfying(h -> assertThat(h.seq()).isEqualTo(s));
                }
            }
        }

        @Test
        @DisplayName("four instances appending head+1 until each has 20 commits: one gap-free linear history")
        void fourInstancesLinearHistory() throws Exception {
            byte[] vault = newVault();
            List<MetadataStore> instances = List.of(store, secondInstance(), secondInstance(), secondInstance());
            try {
                StorageTesting.race(4, writer -> () -> {
                    MetadataStore mine = instances.get(writer);
                    int won = 0;
                    while (won < 20) {
                        long next = mine.head(vault).map(MetadataStore.CommitRow::seq).orElse(0L) + 1;
                        if (mine.appendCommit(vault, commit(next, writer))) {
                            won++;
                        }
                    }
                    return won;
                });
            } finally {
                instances.subList(1, 4).forEach(MetadataStore::close);
            }
            assertThat(store.commits(vault, 1, 1000)).extracting(MetadataStore.CommitRow::seq)
                    .containsExactlyElementsOf(LongStream.rangeClosed(1, 80).boxed().toList());
        }

        @Test
        @DisplayName("two instances appending one chain index: one winner")
        void chainRace() throws Exception {
            byte[] account = newAccount();
            try (MetadataStore second = secondInstance()) {
                List<Boolean> results = StorageTesting.race(8, i ->
                        () -> (i % 2 == 0 ? store : second).appendChainEntry(account, 1, bytes(i, 40), 1));
                assertThat(results).containsOnlyOnce(true);
                assertThat(store.chain(account)).hasSize(2).last().isEqualTo(bytes(results.indexOf(true), 40));
            }
        }

        @Test
        @DisplayName("vaults created concurrently in one account through two instances get distinct ordinals")
        void vaultOrdinals() throws Exception {
            byte[] account = newAccount();
            try (MetadataStore second = secondInstance()) {
                List<byte[]> ids = List.of(id16(), id16(), id16(), id16(), id16(), id16(), id16(), id16());
                List<Boolean> results = StorageTesting.race(8, i ->
                        () -> (i % 2 == 0 ? store : second).createVault(ids.get(i), account, 1, new byte[] {1}, i));
                assertThat(results).containsOnly(true);
                List<byte[]> listed = store.vaults(account);
                assertThat(listed).hasSize(8);
                Set<String> hex = new HashSet<>();
                listed.forEach(v -> hex.add(HexFormat.of().formatHex(v)));
                assertThat(hex).hasSize(8);
            }
        }

        @Test
        @DisplayName("a challenge consumed through two instances at once is accepted once")
        void challengeOnce() throws Exception {
            byte[] nonce = id32();
            byte[] account = id32();
            byte[] device = id32();
            store.putChallenge(nonce, account, device, Long.MAX_VALUE);
            try (MetadataStore second = secondInstance()) {
                List<Boolean> results = StorageTesting.race(8, i ->
                        () -> (i % 2 == 0 ? store : second).consumeChallenge(nonce, account, device, 1));
                assertThat(results).containsOnlyOnce(true);
            }
        }

        @Test
        @DisplayName("a database migrated by a newer version is refused")
        void newerSchema() {
            String schema = TestPostgres.schemaFor(tmp);
            store.close();
            TestPostgres.sql("INSERT INTO " + schema + ".flyway_schema_history (installed_rank, version, description, "
                    + "type, script, checksum, installed_by, execution_time, success) "
                    + "VALUES (99, '99', 'from the future', 'SQL', 'V99__future.sql', 0, 'test', 0, true)");

            assertThatThrownBy(() -> newStore(tmp)).isInstanceOf(StorageFailureException.class)
                    .hasMessageContaining("migration");

            store = newStore(tmp.resolve("fresh")); // for closeStore()
        }

        @Test
        @DisplayName("an unreachable database fails the open quickly with a StorageFailureException")
        void unreachable() throws Exception {
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            PostgresMetadataStore.Settings settings = new PostgresMetadataStore.Settings(
                    "jdbc:postgresql://127.0.0.1:" + port + "/none", "nobody", Optional.empty(), 2, 1_000);
            long start = System.nanoTime();
            assertThatThrownBy(() -> new PostgresMetadataStore(settings)).isInstanceOf(StorageFailureException.class);
            assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(15_000);
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
