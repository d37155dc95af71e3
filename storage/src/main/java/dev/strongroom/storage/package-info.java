/**
 * Where the server keeps what it stores: two small interfaces, their implementations, and
 * (in this module's test jar) the conformance suite every implementation runs.
 *
 * <ul>
 *   <li>{@link dev.strongroom.storage.BlobStore}: packs, a flat key space of immutable byte
 *       objects. {@link dev.strongroom.storage.FileBlobStore} keeps them in a local folder,
 *       {@link dev.strongroom.storage.S3BlobStore} in an S3-compatible object store.</li>
 *   <li>{@link dev.strongroom.storage.MetadataStore}: accounts, device chains, opaque
 *       per-account objects, challenges and tokens, vaults, key records, packs and commits.
 *       {@link dev.strongroom.storage.SqliteMetadataStore} keeps them in one SQLite file,
 *       {@link dev.strongroom.storage.PostgresMetadataStore} in PostgreSQL, for any number of
 *       server instances; both from migrations kept in step ({@code db/migration/<database>/}).</li>
 * </ul>
 *
 * <p>{@link dev.strongroom.storage.Stores} turns the URIs an operator writes
 * ({@code sqlite:PATH}, {@code postgresql://...}, {@code file:PATH}, {@code s3://...}) into
 * stores.
 *
 * <p>The embedded server's defaults:
 *
 * <pre>{@code
 * try (MetadataStore meta = new SqliteMetadataStore(dataDir.resolve("meta.db"));
 *      BlobStore blobs = new FileBlobStore(dataDir.resolve("packs"))) {
 *     blobs.put(key, body, length);           // atomic and durable, or an IOException
 *     meta.recordPack(vault, pack, length, now);
 *     boolean won = meta.appendCommit(vault, row); // false: another commit got there first
 * }
 * }</pre>
 *
 * <p>A new implementation proves itself by extending the conformance suites, from the test
 * jar ({@code strongroom-storage} with {@code <type>test-jar</type>}, scope test; JUnit and
 * AssertJ come from the parent POM). The test jar also holds {@code TestPostgres} (one embedded
 * PostgreSQL per test JVM) and {@code TestS3} (one S3Proxy endpoint per test JVM) for tests of
 * the scale-out stores in other modules:
 *
 * <pre>{@code
 * class S3BlobStoreTest extends BlobStoreConformance {
 *     @Override
 *     protected BlobStore newStore(Path tmp) { return new S3BlobStore(TestS3.settings(prefix), TestS3.credentials()); }
 * }
 * }</pre>
 *
 * <p>Failures: blob stores throw {@link java.io.IOException} (the file store's messages carry
 * no paths, which hold ids); metadata stores throw
 * {@link dev.strongroom.storage.StorageFailureException} for database failures and
 * {@link IllegalArgumentException} for arguments no store accepts (such as a write naming a
 * vault that does not exist). No message or log line holds an id or stored bytes.
 */
package dev.strongroom.storage;
