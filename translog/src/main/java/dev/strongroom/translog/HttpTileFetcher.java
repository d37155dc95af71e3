package dev.strongroom.translog;

import dev.strongroom.format.NotFoundException;
import dev.strongroom.format.OperationFailedException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Objects;

/**
 * Fetches tiles, entry bundles and the checkpoint of a tiled log over HTTP(S):
 * {@code GET <prefix>/tile/…} and {@code GET <prefix>/checkpoint} (c2sp.org/tlog-tiles).
 * Asks for gzip, as the spec recommends for bundles. Returns bytes unverified; wrap it in a
 * {@link TileReader}.
 */
public final class HttpTileFetcher implements TileFetcher {
    /** Largest entry bundle: 256 entries of 65,535 bytes with their length prefixes. */
    static final int MAX_BUNDLE = Tile.FULL_WIDTH * (2 + EntryBundle.MAX_ENTRY_SIZE);

    private final URI prefix;
    private final HttpClient client;
    private final Duration timeout;

    /** A fetcher with its own HTTP client (10 s connect timeout, 60 s request timeout). */
    public HttpTileFetcher(URI prefix) {
        this(prefix, Http.defaultClient(), Duration.ofSeconds(60));
    }

    /** A fetcher using {@code client} (e.g. one configured with the server's pinned TLS trust). */
    public HttpTileFetcher(URI prefix, HttpClient client, Duration timeout) {
        this.prefix = Objects.requireNonNull(prefix, "prefix");
        this.client = Objects.requireNonNull(client, "client");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    @Override
    public byte[] fetch(Tile tile) {
        return get(tile.path(), tile.entries() ? MAX_BUNDLE : tile.width() * Hash.LENGTH);
    }

    /** The log's current signed checkpoint, unverified (see {@link CheckpointVerifier}). */
    public byte[] checkpoint() {
        return get("checkpoint", Note.MAX_SIZE);
    }

    private byte[] get(String path, int limit) {
        URI uri = Http.join(prefix, path);
        HttpRequest req = HttpRequest.newBuilder(uri).timeout(timeout).GET()
                .header("Accept-Encoding", "gzip, identity").build();
        Http.Reply r = Http.send(client, req, limit);
        if (r.status() == 404) {
            throw new NotFoundException("the log does not serve " + path);
        }
        if (r.status() != 200) {
            throw new OperationFailedException("GET " + uri + " answered " + r.status() + ": " + Http.snippet(r.body()));
        }
        return r.body();
    }
}
