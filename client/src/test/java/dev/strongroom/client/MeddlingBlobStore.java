package dev.strongroom.client;

import dev.strongroom.storage.BlobStore;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A pack store that behaves until told otherwise: it can serve another key's bytes for a key
 * (a swap), or answer reads of a key slowly. Keys are the server's blob keys.
 */
final class MeddlingBlobStore implements BlobStore {
    private final BlobStore real;
    /** key -> key whose bytes are served instead. */
    final Map<String, String> aliases = new ConcurrentHashMap<>();
    /** key -> milliseconds to wait before serving a read. */
    final Map<String, Long> delays = new ConcurrentHashMap<>();

    MeddlingBlobStore(BlobStore real) {
        this.real = real;
    }

    void behave() {
        aliases.clear();
        delays.clear();
    }

    private String target(String key) {
        return aliases.getOrDefault(key, key);
    }

    @Override
    public void put(String key, InputStream data, long length) throws IOException {
        real.put(key, data, length);
    }

    @Override
    public Optional<Long> size(String key) throws IOException {
        return real.size(target(key));
    }

    @Override
    public InputStream get(String key, long start, long end) throws IOException {
        Long delay = delays.get(key);
        if (delay != null) {
            try {
                Thread.sleep(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted");
            }
        }
        return real.get(target(key), start, end);
    }

    @Override
    public List<Entry> list(String prefix) throws IOException {
        return real.list(prefix);
    }

    @Override
    public void delete(String key) throws IOException {
        real.delete(key);
    }

    @Override
    public void check() throws IOException {
        real.check();
    }

    @Override
    public void close() throws IOException {
        real.close();
    }
}
