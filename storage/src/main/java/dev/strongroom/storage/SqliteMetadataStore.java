package dev.strongroom.storage;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The embedded {@link MetadataStore}: one SQLite database file.
 *
 * <p><b>Durability.</b> WAL journal with {@code synchronous=FULL}: a write that returned is on
 * disk. Foreign keys are enforced, and a busy database is waited for (up to
 * {@value #BUSY_TIMEOUT_MILLIS} ms) rather than failed.
 *
 * <p><b>Concurrency.</b> SQLite has one writer at a time, so all writes go through a pool of
 * exactly one connection and run in {@code BEGIN IMMEDIATE} transactions; the compare-and-swap
 * operations read and insert inside one such transaction, so racing callers get exactly one
 * winner, also across processes sharing the file. Reads use a separate pool of
 * {@value #READERS} read-only ({@code query_only}) connections, which WAL lets run beside the writer.
 *
 * <p><b>Schema</b> by Flyway from {@code db/migration/sqlite} on the class path, applied when
 * the store opens. A database migrated by a newer Strongroom (a version this one does not know)
 * is refused rather than used.
 *
 * <p><b>Referential rules.</b> Writes that name an account (chain entries, account objects,
 * vaults) or a vault (key records, packs, commits) require it to exist and otherwise throw
 * {@link IllegalArgumentException}; callers check ownership first anyway. Failures of the
 * database itself throw {@link StorageFailureException}.
 */
public final class SqliteMetadataStore implements MetadataStore {

    private static final Logger LOG = LoggerFactory.getLogger(SqliteMetadataStore.class);
    private static final int BUSY_TIMEOUT_MILLIS = 10_000;
    private static final int READERS = 4;
    private static final String MIGRATIONS = "classpath:db/migration/sqlite";

    private final HikariDataSource writer;
    private final HikariDataSource readers;

    /** Opens (creating and migrating if needed) the database in {@code dbFile}. */
    public SqliteMetadataStore(Path dbFile) {
        Path file = Objects.requireNonNull(dbFile, "dbFile").toAbsolutePath().normalize();
        createPrivately(file);
        String url = "jdbc:sqlite:" + file;
        migrate(dataSource(url));
        HikariDataSource w = null;
        try {
            w = pool("strongroom-sqlite-writer", url, 1, null);
            this.readers = pool("strongroom-sqlite-reader", url, READERS, "PRAGMA query_only = ON");
        } catch (RuntimeException e) {
            if (w != null) {
                w.close();
            }
            throw new StorageFailureException("metadata store: could not open the database", e);
        }
        this.writer = w;
        LOG.info("metadata store opened (SQLite)");
    }

    // ---- opening ----

    private static void createPrivately(Path file) {
        try {
            Files.createDirectories(file.getParent());
            if (!Files.exists(file)) {
                try {
                    if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                        // SQLite gives the -wal and -shm files the database file's permissions.
                        Files.createFile(file, PosixFilePermissions.asFileAttribute(
                                PosixFilePermissions.fromString("rw-------")));
                    } else {
                        Files.createFile(file);
                    }
                } catch (FileAlreadyExistsException e) {
                    // created concurrently: fine
                }
            }
        } catch (IOException e) {
            throw new StorageFailureException("metadata store: could not create the database file", e);
        }
    }

    private static SQLiteDataSource dataSource(String url) {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        config.enforceForeignKeys(true);
        config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
        SQLiteDataSource dataSource = new SQLiteDataSource(config);
        dataSource.setUrl(url);
        return dataSource;
    }

    private static void migrate(SQLiteDataSource dataSource) {
        try {
            Flyway.configure(SqliteMetadataStore.class.getClassLoader())
                    .dataSource(dataSource)
                    .locations(MIGRATIONS)
                    .failOnMissingLocations(true)
                    .validateMigrationNaming(true)
                    // Refuse a schema from a newer Strongroom instead of running against it.
                    .ignoreMigrationPatterns(new String[0])
                    .load()
                    .migrate();
        } catch (FlywayException e) {
            throw new StorageFailureException("metadata store: schema migration failed", e);
        }
    }

    private static HikariDataSource pool(String name, String url, int size, String initSql) {
        HikariConfig config = new HikariConfig();
        config.setPoolName(name);
        config.setDataSource(dataSource(url));
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(1);
        config.setAutoCommit(true);
        config.setConnectionTimeout(30_000);
        if (initSql != null) {
            config.setConnectionInitSql(initSql);
        }
        return new HikariDataSource(config);
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
            for (Map.Entry<String, byte[]> o : new java.util.TreeMap<>(objects).entrySet()) {
                update(c, "INSERT INTO account_objects (account, name, value, updated) VALUES (?, ?, ?, ?)",
                        account, o.getKey(), o.getValue(), nowMillis);
            }
            return true;
        });
    }

    @Override
    public boolean accountExists(byte[] account) {
        need(account);
        return read("look up an account",
                c -> exists(c, "SELECT 1 FROM accounts WHERE account = ?", account));
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
            requireAccount(c, account);
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
            update(c, "INSERT INTO account_objects (account, name, value, updated) VALUES (?, ?, ?, ?) "
                    + "ON CONFLICT (account, name) DO UPDATE SET value = excluded.value, updated = excluded.updated",
                    account, name, value, nowMillis);
            return null;
        });
    }

    @Override
    public Optional<byte[]> accountObject(byte[] account, String name) {
        need(account);
        Objects.requireNonNull(name, "name");
        return read("read an account object", c -> {
            List<byte[]> values = byteList(c,
                    "SELECT value FROM account_objects WHERE account = ? AND name = ?", account, name);
            return values.stream().findFirst();
        });
    }

    @Override
    public List<String> accountObjectNames(byte[] account, String prefix) {
        need(account);
        Objects.requireNonNull(prefix, "prefix");
        // Names with the prefix form one run from the prefix on in binary (code point) order.
        return read("list account objects", c -> {
            List<String> names = new ArrayList<>();
            try (PreparedStatement s = prepare(c,
                    "SELECT name FROM account_objects WHERE account = ? AND name >= ? ORDER BY name", account, prefix);
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
        return write("consume a challenge", c -> {
            boolean valid;
            try (PreparedStatement s = prepare(c,
                    "SELECT account, device, expires FROM challenges WHERE nonce = ?", nonce);
                    ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    return false;
                }
                valid = MessageDigest.isEqual(bytes(r, 1), account) & MessageDigest.isEqual(bytes(r, 2), device)
                        & r.getLong(3) > nowMillis;
            }
            // Single use: whoever presents the nonce first burns it, whether or not it matched.
            update(c, "DELETE FROM challenges WHERE nonce = ?", nonce);
            return valid;
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
            requireAccount(c, account);
            if (exists(c, "SELECT 1 FROM vaults WHERE vault = ?", vault)) {
                return false;
            }
            long ordinal = number(c, "SELECT COALESCE(MAX(ordinal), 0) + 1 FROM vaults WHERE account = ?", account);
            update(c, "INSERT INTO vaults (vault, account, created, ordinal) VALUES (?, ?, ?, ?)",
                    vault, account, nowMillis, ordinal);
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
            requireVault(c, vault);
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
        readers.close();
        writer.close();
    }

    @Override
    public String toString() {
        return "SqliteMetadataStore";
    }

    /** A PRAGMA's value as the writer connection sees it (for tests). */
    String writerPragma(String name) {
        if (!name.matches("[a-z_]+")) {
            throw new IllegalArgumentException("invalid pragma name");
        }
        return write("read a pragma", c -> {
            try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("PRAGMA " + name)) {
                return r.next() ? r.getString(1) : null;
            }
        });
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
            try (PreparedStatement ps = c.prepareStatement("SELECT idx FROM log_leaves WHERE leaf_key = ?")) {
                for (String k : keys) {
                    ps.setString(1, k);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next()) {
                            out.put(k, rs.getLong(1));
                        }
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

    /** Runs work in one {@code BEGIN IMMEDIATE} transaction on the single writer connection. */
    private <T> T write(String what, Work<T> work) {
        try (Connection c = writer.getConnection()) {
            execute(c, "BEGIN IMMEDIATE");
            boolean committed = false;
            try {
                T result = work.run(c);
                execute(c, "COMMIT");
                committed = true;
                return result;
            } finally {
                if (!committed) {
                    rollback(c);
                }
            }
        } catch (SQLException e) {
            throw new StorageFailureException("metadata store: could not " + what, e);
        }
    }

    private void rollback(Connection c) {
        try {
            execute(c, "ROLLBACK");
        } catch (SQLException e) {
            // SQLite may have ended the transaction itself; either way the connection's state is
            // not known for certain, so it is never handed out again.
            LOG.warn("metadata store: rollback failed; discarding the writer connection");
            writer.evictConnection(c);
        }
    }

    private <T> T read(String what, Work<T> work) {
        try (Connection c = readers.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw new StorageFailureException("metadata store: could not " + what, e);
        }
    }

    // ---- helpers ----

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

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
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

    /** A NOT NULL blob column: the driver reports an empty blob as null. */
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
