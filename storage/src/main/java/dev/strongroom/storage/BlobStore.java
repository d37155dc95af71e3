package dev.strongroom.storage;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/**
 * Where packs live: a flat key space of immutable byte objects. Implementations: a local
 * folder ({@link FileBlobStore}) and an S3-compatible object store ({@link S3BlobStore}). Every
 * implementation passes the same conformance suite ({@code BlobStoreConformance} in the test jar).
 *
 * <p>Keys are ASCII paths of {@code [a-z0-9/._-]}; "/" separates levels.
 */
public interface BlobStore extends AutoCloseable {

    /**
     * Stores exactly {@code length} bytes from {@code data} under {@code key}, atomically and
     * durably: when this returns, the object is complete and will survive a crash; until then
     * no reader sees any part of it under {@code key}. Storing an existing key again replaces
     * it atomically (packs are immutable, so a retried upload writes identical bytes).
     *
     * @throws IOException if fewer or more than {@code length} bytes arrive, or on I/O failure
     */
    void put(String key, InputStream data, long length) throws IOException;

    /** The size of an object, if it exists. */
    Optional<Long> size(String key) throws IOException;

    /** Bytes {@code [start, end)} of an object; the caller checked the range against {@link #size}. */
    InputStream get(String key, long start, long end) throws IOException;

    /** Objects whose keys start with {@code prefix}, in key order. */
    List<Entry> list(String prefix) throws IOException;

    /** Removes an object; absent keys are fine. */
    void delete(String key) throws IOException;

    /** Checks the store can be used (for readiness probes). */
    void check() throws IOException;

    @Override
    void close() throws IOException;

    /** A listed object. */
    record Entry(String key, long size) {
    }

    static void checkKey(String key) {
        if (key == null || key.isEmpty() || key.length() > 512 || key.startsWith("/") || key.contains("..")
                || !key.chars().allMatch(c -> (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '/'
                        || c == '.' || c == '_' || c == '-')) {
            throw new IllegalArgumentException("invalid blob key");
        }
    }
}
