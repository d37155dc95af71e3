package dev.strongroom.storage;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scale-out {@link MetadataStore}: one PostgreSQL database shared by any number of server
 * instances.
 *
 * <p><b>Serialization.</b> Everything that must form one linear history is serialized by the
 * database, not by an instance: appending a commit locks the vault's row
 * ({@code SELECT ... FOR NO KEY UPDATE}), reads the head and inserts {@code head + 1} in one
 * transaction; appending a device-chain entry does the same on the account's row, and so does
 * creating a vault (its ordinal is the account's next one). Racing writers through different
 * instances therefore get exactly one winner per sequence number, and the losers see the new
 * head once the winner commits. {@code FOR NO KEY UPDATE} (not {@code FOR UPDATE}) leaves the
 * foreign-key checks of unrelated inserts (packs, account objects) unblocked. Single-use
 * challenges are consumed by {@code DELETE ... RETURNING}, so one presenter wins.
 *
 * <p><b>Durability</b> is PostgreSQL's: a write that returned is committed (with the server's
 * default {@code synchronous_commit = on}, on disk). A transaction cut off by a crash of the
 * instance is rolled back by the database: no half-applied change.
 *
 * <p><b>Schema</b> by Flyway from {@code db/migration/postgresql}, applied when the store opens
 * (Flyway holds a PostgreSQL advisory lock while it migrates, so instances that start together
 * migrate once). A database migrated by a newer Strongroom is refused. The migrations are those
 * of SQLite with {@code BYTEA} for {@code BLOB}; a test keeps the two in step.
 *
 * <p><b>Connections</b> come from a HikariCP pool ({@link Settings#poolSize()}); names are
 * compared in binary order ({@code COLLATE "C"}), as SQLite does.
 *
 * <p>Failures of the database throw {@link StorageFailureException}; writes naming an account or
 * vault that does not exist throw {@link IllegalArgumentException}. Messages hold no values.
 */
public final class PostgresMetadataStore implements MetadataStore {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresMetadataStore.class);
    static final String MIGRATIONS = "classpath:db/migration/postgresql";
    private static final String FOREIGN_KEY_VIOLATION = "23503";

    private final HikariDataSource pool;

    /**
     * How to reach the database.
     *
     * @param jdbcUrl {@code jdbc:postgresql://host:port/database[?parameters]}
     * @param user the role to log in as (empty: the driver's default)
     * @param password empty to let the driver find one ({@code ~/.pgpass}, {@code PGPASSWORD})
     *     or to use a method without one
     * @param poolSize maximum connections this instance holds
     * @param connectTimeoutMillis how long a caller waits for a connection before failing
     */
    public record Settings(String jdbcUrl, String user, Optional<String> password, int poolSize,
                           long connectTimeoutMillis) {
        public Settings {
            Objects.requireNonNull(jdbcUrl, "jdbcUrl");
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(password, "password");
            if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
                throw new IllegalArgumentException("a PostgreSQL JDBC URL starts with jdbc:postgresql:");
            }
            if (poolSize < 1 || poolSize > 1000) {
                throw new IllegalArgumentException("pool size must be 1-1000");
            }
            if (connectTimeoutMillis < 250) {
                throw new IllegalArgumentException("connect timeout must be at least 250 ms");
            }
        }

        @Override
        public String toString() {
            return "Settings[" + jdbcUrl + ", user " + user + (password.isPresent() ? ", password set" : "")
                    + ", pool " + poolSize + "]";
        }
    }

    /** Opens the store, migrating the schema first. */
    public PostgresMetadataStore(Settings settings) {
        Objects.requireNonNull(settings, "settings");
        HikariDataSource p;
        try {
            p = new HikariDataSource(config(settings));
        } catch (RuntimeException e) {
            throw new StorageFailureException("metadata store: could not connect to the database", e);
        }
        try {
            migrate(p);
        } catch (RuntimeException e) {
            p.close();
            throw e;
        }
        this.pool = p;
        LOG.info("metadata store opened (PostgreSQL)");
    }

    private static HikariConfig config(Settings s) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("strongroom-postgresql");
        config.setJdbcUrl(s.jdbcUrl());
        if (!s.user().isEmpty()) {
            config.setUsername(s.user());
        }
        s.password().ifPresent(config::setPassword);
        config.setMaximumPoolSize(s.poolSize());
        config.setMinimumIdle(Math.min(2, s.poolSize()));
        config.setAutoCommit(true);
        config.setConnectionTimeout(s.connectTimeoutMillis());
        config.setValidationTimeout(Math.min(5_000, s.connectTimeoutMillis()));
        // Fail fast at start if the database cannot be reached at all.
        config.setInitializationFailTimeout(s.connectTimeoutMillis());
        Properties driver = new Properties();
        driver.setProperty("ApplicationName", "strongroom");
        driver.setProperty("connectTimeout", Long.toString(Math.max(1, s.connectTimeoutMillis() / 1000)));
        // A statement that hangs (a lost connection) must not hold a request forever.
        driver.setProperty("socketTimeout", "120");
        driver.setProperty("tcpKeepAlive", "true");
        config.setDataSourceProperties(driver);
        return config;
    }

    /** Migrates the schema of the database behind {@code dataSource}; returns the version it is at. */
    static String migrate(DataSource dataSource) {
        try {
            MigrateResult result = Flyway.configure(PostgresMetadataStore.class.getClassLoader())
                    .dataSource(dataSource)
                    .locations(MIGRATIONS)
                    .failOnMissingLocations(true)
                    .validateMigrationNaming(true)
                    .ignoreMigrationPatterns(new String[0])
                    .load()
                    .migrate();
            if (result.migrationsExecuted > 0) {
                LOG.info("metadata schema migrated to version {} ({} migrations)", result.targetSchemaVersion,
                        result.migrationsExecuted);
            }
            return result.targetSchemaVersion != null ? result.targetSchemaVersion
                    : Objects.requireNonNullElse(result.initialSchemaVersion, "none");
        } catch (FlywayException e) {
            throw new StorageFailureException("metadata store: schema migration failed", e);
        }
    }

    // ---- accounts and device chains ----

    @Override
    public boolean createAccount(byte[] account, byte[] genesis, Map<String, byte[]> objects, Optional<LogLeaf> leaf,
                                 long nowMillis) {
        need(account, genesis);
        Objects.requireNonNull(objects, "objects");
        objects.forEach((k, v) -> {
            Objects.requireNonNull(k, "name");
            need(v);
        });
        return write("create an account", c -> {
            if (update(c, "INSERT INTO accounts (account, created) VALUES (?, ?) ON CONFLICT (account) DO NOTHING",
                    account, nowMillis) == 0) {
                return false;
            }
            update(c, "INSERT INTO chain_entries (account, idx, entry, created) VALUES (?, 0, ?, ?)",
                    account, genesis, nowMillis);
            appendLeaf(c, leaf);
            for (Map.Entry<String, byte[]> o : new TreeMap<>(objects).entrySet()) {
                update(c, "INSERT INTO account_objects (account, name, value, updated) VALUES (?, ?, ?, ?)",
                        account, o.getKey(), o.getValue(), nowMillis);
            }
            return true;
        });
    }

    @Override
    public boolean accountExists(byte[] account) {
        need(account);
        return read("look up an account", c -> exists(c, "SELECT 1 FROM accounts WHERE account = ?", account));
    }

    @Override
    public List<byte[]> chain(byte[] account) {
        need(account);
        return read("read a device chain", c -> byteList(c,
                "SELECT entry FROM chain_entries WHERE account = ? ORDER BY idx", account));
    }

    @Override
    public boolean appendChainEntry(byte[] account, long index, byte[] entry, Optional<LogLeaf> leaf, long nowMillis) {
        need(account, entry);
        if (index < 0) {
            throw new IllegalArgumentException("negative chain index");
        }
        return write("append a chain entry", c -> {
            lockAccount(c, account);
            long length = number(c, "SELECT COALESCE(MAX(idx) + 1, 0) FROM chain_entries WHERE account = ?",
                    account);
            if (length != index) {
                return false;
            }
            update(c, "INSERT INTO chain_entries (account, idx, entry, created) VALUES (?, ?, ?, ?)",
                    account, index, entry, nowMillis);
            appendLeaf(c, leaf);
            return true;
        });
    }

    // ---- opaque per-account objects ----

    @Override
    public void putAccountObject(byte[] account, String name, byte[] value, long nowMillis) {
        need(account, value);
        Objects.requireNonNull(name, "name");
        write("store an account object", c -> {
            requireAccount(c, account);
            return update(c, "INSERT INTO account_objects (account, name, value, updated) VALUES (?, ?, ?, ?) "
                    + "ON CONFLICT (account, name) DO UPDATE SET value = excluded.value, updated = excluded.updated",
                    account, name, value, nowMillis);
        });
    }

    @Override
    public Optional<byte[]> accountObject(byte[] account, String name) {
        need(account);
        Objects.requireNonNull(name, "name");
        return read("read an account object", c -> byteList(c,
                "SELECT value FROM account_objects WHERE account = ? AND name = ?", account, name)
                .stream().findFirst());
    }

    @Override
    public List<String> accountObjectNames(byte[] account, String prefix) {
        need(account);
        Objects.requireNonNull(prefix, "prefix");
        // Binary (code point) order, as SQLite: names with the prefix form one run from the prefix on.
        return read("list account objects", c -> {
            List<String> names = new ArrayList<>();
            try (PreparedStatement s = prepare(c, "SELECT name FROM account_objects WHERE account = ? "
                    + "AND name COLLATE \"C\" >= ? ORDER BY name COLLATE \"C\"", account, prefix);
                    ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    String name = r.getString(1);
                    if (!name.startsWith(prefix)) {
                        break;
                    }
                    names.add(name);
                }
            }
            return List.copyOf(names);
        });
    }

    // ---- authentication ----

    @Override
    public void putChallenge(byte[] nonce, byte[] account, byte[] device, long expiresMillis) {
        need(nonce, account, device);
        write("store a challenge", c -> update(c,
                "INSERT INTO challenges (nonce, account, device, expires) VALUES (?, ?, ?, ?) "
                        + "ON CONFLICT (nonce) DO UPDATE SET account = excluded.account, device = excluded.device, "
                        + "expires = excluded.expires",
                nonce, account, device, expiresMillis));
    }

    @Override
    public boolean consumeChallenge(byte[] nonce, byte[] account, byte[] device, long nowMillis) {
        need(nonce, account, device);
        // Single use: whoever presents the nonce first deletes it, whether or not it matched.
        return write("consume a challenge", c -> {
            try (PreparedStatement s = prepare(c,
                    "DELETE FROM challenges WHERE nonce = ? RETURNING account, device, expires", nonce);
                    ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    return false;
                }
                return MessageDigest.isEqual(bytes(r, 1), account) & MessageDigest.isEqual(bytes(r, 2), device)
                        & r.getLong(3) > nowMillis;
            }
        });
    }

    @Override
    public void putToken(byte[] tokenHash, byte[] account, byte[] device, long expiresMillis) {
        need(tokenHash, account, device);
        write("store a token", c -> update(c,
                "INSERT INTO tokens (token_hash, account, device, expires) VALUES (?, ?, ?, ?) "
                        + "ON CONFLICT (token_hash) DO UPDATE SET account = excluded.account, "
                        + "device = excluded.device, expires = excluded.expires",
                tokenHash, account, device, expiresMillis));
    }

    @Override
    public Optional<Session> token(byte[] tokenHash, long nowMillis) {
        need(tokenHash);
        return read("look up a token", c -> {
            try (PreparedStatement s = prepare(c,
                    "SELECT account, device FROM tokens WHERE token_hash = ? AND expires > ?", tokenHash, nowMillis);
                    ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(new Session(bytes(r, 1), bytes(r, 2))) : Optional.empty();
            }
        });
    }

    @Override
    public void purgeExpired(long nowMillis) {
        int purged = write("purge expired challenges and tokens", c ->
                update(c, "DELETE FROM challenges WHERE expires <= ?", nowMillis)
                        + update(c, "DELETE FROM tokens WHERE expires <= ?", nowMillis));
        LOG.debug("purged {} expired challenges and tokens", purged);
    }

    // ---- vaults ----

    @Override
    public boolean createVault(byte[] vault, byte[] account, long epoch, byte[] keyRecord, long nowMillis) {
        need(vault, account);
        need(keyRecord);
        return write("create a vault", c -> {
            // The account's row lock orders its vault creations, so ordinals never collide.
            lockAccount(c, account);
            long ordinal = number(c, "SELECT COALESCE(MAX(ordinal), 0) + 1 FROM vaults WHERE account = ?", account);
            if (update(c, "INSERT INTO vaults (vault, account, created, ordinal) VALUES (?, ?, ?, ?) "
                    + "ON CONFLICT (vault) DO NOTHING", vault, account, nowMillis, ordinal) == 0) {
                return false;
            }
            update(c, "INSERT INTO vault_keys (vault, epoch, record) VALUES (?, ?, ?)", vault, epoch, keyRecord);
            return true;
        });
    }

    @Override
    public Optional<byte[]> vaultOwner(byte[] vault) {
        need(vault);
        return read("look up a vault", c ->
                byteList(c, "SELECT account FROM vaults WHERE vault = ?", vault).stream().findFirst());
    }

    @Override
    public List<byte[]> vaults(byte[] account) {
        need(account);
        return read("list vaults", c ->
                byteList(c, "SELECT vault FROM vaults WHERE account = ? ORDER BY ordinal", account));
    }

    @Override
    public void putVaultKeyRecord(byte[] vault, long epoch, byte[] record) {
        need(vault, record);
        write("store a vault key record", c -> {
            requireVault(c, vault);
            return update(c, "INSERT INTO vault_keys (vault, epoch, record) VALUES (?, ?, ?) "
                    + "ON CONFLICT (vault, epoch) DO UPDATE SET record = excluded.record", vault, epoch, record);
        });
    }

    @Override
    public List<KeyRecord> vaultKeyRecords(byte[] vault) {
        need(vault);
        return read("read vault key records", c -> {
            List<KeyRecord> records = new ArrayList<>();
            try (PreparedStatement s = prepare(c,
                    "SELECT epoch, record FROM vault_keys WHERE vault = ? ORDER BY epoch", vault);
                    ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    records.add(new KeyRecord(r.getLong(1), bytes(r, 2)));
                }
            }
            return List.copyOf(records);
        });
    }

    // ---- packs ----

    @Override
    public void recordPack(byte[] vault, byte[] pack, long size, long nowMillis) {
        need(vault, pack);
        if (size < 0) {
            throw new IllegalArgumentException("negative pack size");
        }
        write("record a pack", c -> {
            requireVault(c, vault);
            // Packs are immutable: a repeated record keeps the first row.
            return update(c, "INSERT INTO packs (vault, pack, size, created) VALUES (?, ?, ?, ?) "
                    + "ON CONFLICT (vault, pack) DO NOTHING", vault, pack, size, nowMillis);
        });
    }

    @Override
    public Optional<Long> packSize(byte[] vault, byte[] pack) {
        need(vault, pack);
        return read("look up a pack", c -> {
            try (PreparedStatement s = prepare(c, "SELECT size FROM packs WHERE vault = ? AND pack = ?", vault, pack);
                    ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(r.getLong(1)) : Optional.empty();
            }
        });
    }

    @Override
    public List<PackRow> packs(byte[] vault) {
        need(vault);
        // bytea compares as unsigned bytes, as SQLite's BLOB does.
        return read("list packs", c -> {
            List<PackRow> rows = new ArrayList<>();
            try (PreparedStatement s = prepare(c, "SELECT pack, size FROM packs WHERE vault = ? ORDER BY pack", vault);
                    ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    rows.add(new PackRow(bytes(r, 1), r.getLong(2)));
                }
            }
            return List.copyOf(rows);
        });
    }

    // ---- commits ----

    @Override
    public boolean appendCommit(byte[] vault, CommitRow row, Optional<LogLeaf> leaf) {
        need(vault);
        Objects.requireNonNull(row, "row");
        need(row.header(), row.signature(), row.sealed());
        if (row.seq() < 1) {
            throw new IllegalArgumentException("commit sequence numbers start at 1");
        }
        return write("append a commit", c -> {
            // The vault's row lock serializes appends across every instance; the head read after
            // it sees every commit that won before.
            if (!exists(c, "SELECT 1 FROM vaults WHERE vault = ? FOR NO KEY UPDATE", vault)) {
                throw new IllegalArgumentException("the vault does not exist");
            }
            long head = number(c, "SELECT COALESCE(MAX(seq), 0) FROM commits WHERE vault = ?", vault);
            if (head != row.seq() - 1) {
                return false;
            }
            update(c, "INSERT INTO commits (vault, seq, header, signature, sealed, time) VALUES (?, ?, ?, ?, ?, ?)",
                    vault, row.seq(), row.header(), row.signature(), row.sealed(), row.timeMillis());
            appendLeaf(c, leaf);
            return true;
        });
    }

    @Override
    public Optional<CommitRow> head(byte[] vault) {
        need(vault);
        return read("read a vault head", c -> commitRows(c,
                "SELECT seq, header, signature, sealed, time FROM commits WHERE vault = ? ORDER BY seq DESC LIMIT 1",
                vault).stream().findFirst());
    }

    @Override
    public List<CommitRow> commits(byte[] vault, long from, long to) {
        need(vault);
        return read("read commits", c -> commitRows(c,
                "SELECT seq, header, signature, sealed, time FROM commits WHERE vault = ? AND seq >= ? AND seq <= ? "
                        + "ORDER BY seq",
                vault, from, to));
    }

    // ---- operations ----

    @Override
    public void check() {
        read("check the database", c -> number(c, "SELECT COUNT(*) FROM accounts WHERE 0 = 1"));
        write("check the database", c -> number(c, "SELECT 1"));
    }

    @Override
    public void close() {
        pool.close();
    }

    @Override
    public String toString() {
        return "PostgresMetadataStore";
    }

    // ---- transactions ----

    // ---- transparency log ----

    /** Appends a leaf at the next index; the caller's transaction serializes appends. */
    private static void appendLeaf(Connection c, Optional<LogLeaf> leaf) throws SQLException {
        if (leaf.isEmpty()) {
            return;
        }
        LogLeaf l = leaf.get();
        Objects.requireNonNull(l.key(), "leaf key");
        need(l.data());
        if (l.data().length > 65_535) {
            throw new IllegalArgumentException("a log entry is at most 65535 bytes");
        }
        // one transaction-scoped advisory lock serializes log appends across every instance
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(7478310523)")) {
            ps.execute();
        }
        long next = number(c, "SELECT COALESCE(MAX(idx) + 1, 0) FROM log_leaves");
        update(c, "INSERT INTO log_leaves (idx, leaf_key, data) VALUES (?, ?, ?)", next, l.key(), l.data());
    }

    @Override
    public long logSize() {
        return read("read the log size", c -> number(c, "SELECT COALESCE(MAX(idx) + 1, 0) FROM log_leaves"));
    }

    @Override
    public List<byte[]> logLeaves(long from, long to) {
        if (from < 0 || to < from) {
            throw new IllegalArgumentException("log range");
        }
        return read("read log leaves", c -> {
            List<byte[]> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT data FROM log_leaves WHERE idx >= ? AND idx < ? ORDER BY idx")) {
                ps.setLong(1, from);
                ps.setLong(2, to);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getBytes(1));
                    }
                }
            }
            return out;
        });
    }

    @Override
    public Map<String, Long> logIndices(java.util.Collection<String> keys) {
        return read("read log indices", c -> {
            Map<String, Long> out = new java.util.HashMap<>();
            // one round trip for the whole set (a commit list asks for a page of keys at once)
            try (PreparedStatement ps = c.prepareStatement("SELECT leaf_key, idx FROM log_leaves WHERE leaf_key = ANY(?)")) {
                ps.setArray(1, c.createArrayOf("text", keys.toArray(new String[0])));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.put(rs.getString(1), rs.getLong(2));
                    }
                }
            }
            return out;
        });
    }

    @FunctionalInterface
    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /** Runs work in one READ COMMITTED transaction; row locks taken inside order racing writers. */
    private <T> T write(String what, Work<T> work) {
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            boolean committed = false;
            try {
                T result = work.run(c);
                c.commit();
                committed = true;
                return result;
            } finally {
                if (!committed) {
                    rollback(c);
                }
            }
        } catch (SQLException e) {
            if (FOREIGN_KEY_VIOLATION.equals(e.getSQLState())) {
                throw new IllegalArgumentException("the account or vault does not exist");
            }
            throw new StorageFailureException("metadata store: could not " + what, e);
        }
    }

    private void rollback(Connection c) {
        try {
            c.rollback();
        } catch (SQLException e) {
            LOG.warn("metadata store: rollback failed; discarding the connection");
            pool.evictConnection(c);
        }
    }

    private <T> T read(String what, Work<T> work) {
        try (Connection c = pool.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw new StorageFailureException("metadata store: could not " + what, e);
        }
    }

    // ---- helpers ----

    private static void lockAccount(Connection c, byte[] account) throws SQLException {
        if (!exists(c, "SELECT 1 FROM accounts WHERE account = ? FOR NO KEY UPDATE", account)) {
            throw new IllegalArgumentException("the account does not exist");
        }
    }

    private static void requireAccount(Connection c, byte[] account) throws SQLException {
        if (!exists(c, "SELECT 1 FROM accounts WHERE account = ?", account)) {
            throw new IllegalArgumentException("the account does not exist");
        }
    }

    private static void requireVault(Connection c, byte[] vault) throws SQLException {
        if (!exists(c, "SELECT 1 FROM vaults WHERE vault = ?", vault)) {
            throw new IllegalArgumentException("the vault does not exist");
        }
    }

    private static PreparedStatement prepare(Connection c, String sql, Object... parameters) throws SQLException {
        PreparedStatement s = c.prepareStatement(sql);
        try {
            for (int i = 0; i < parameters.length; i++) {
                switch (parameters[i]) {
                    case byte[] b -> s.setBytes(i + 1, b);
                    case Long l -> s.setLong(i + 1, l);
                    case Integer n -> s.setLong(i + 1, n);
                    case String t -> s.setString(i + 1, t);
                    default -> throw new IllegalArgumentException("unsupported parameter type");
                }
            }
            return s;
        } catch (SQLException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    private static int update(Connection c, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement s = prepare(c, sql, parameters)) {
            return s.executeUpdate();
        }
    }

    private static boolean exists(Connection c, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement s = prepare(c, sql, parameters); ResultSet r = s.executeQuery()) {
            return r.next();
        }
    }

    private static long number(Connection c, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement s = prepare(c, sql, parameters); ResultSet r = s.executeQuery()) {
            if (!r.next()) {
                throw new SQLException("query returned no row");
            }
            return r.getLong(1);
        }
    }

    private static List<byte[]> byteList(Connection c, String sql, Object... parameters) throws SQLException {
        List<byte[]> values = new ArrayList<>();
        try (PreparedStatement s = prepare(c, sql, parameters); ResultSet r = s.executeQuery()) {
            while (r.next()) {
                values.add(bytes(r, 1));
            }
        }
        return List.copyOf(values);
    }

    private static List<CommitRow> commitRows(Connection c, String sql, Object... parameters) throws SQLException {
        List<CommitRow> rows = new ArrayList<>();
        try (PreparedStatement s = prepare(c, sql, parameters); ResultSet r = s.executeQuery()) {
            while (r.next()) {
                rows.add(new CommitRow(r.getLong(1), bytes(r, 2), bytes(r, 3), bytes(r, 4), r.getLong(5)));
            }
        }
        return List.copyOf(rows);
    }

    private static byte[] bytes(ResultSet r, int column) throws SQLException {
        byte[] value = r.getBytes(column);
        return value == null ? new byte[0] : value;
    }

    private static void need(byte[]... values) {
        for (byte[] value : values) {
            Objects.requireNonNull(value, "a required byte array is null");
        }
    }
}
