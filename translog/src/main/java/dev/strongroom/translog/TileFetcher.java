package dev.strongroom.translog;

/**
 * Fetches a tile or entry bundle from a tiled log, e.g. with an HTTP GET of
 * {@code <prefix>/}{@link Tile#path()} ({@link HttpTileFetcher}). Returns the bytes as served,
 * unverified: {@link TileReader} authenticates them.
 */
@FunctionalInterface
public interface TileFetcher {

    /**
     * @throws dev.strongroom.format.NotFoundException if the log does not serve the tile (a
     *                                                 pruned or replaced partial tile)
     */
    byte[] fetch(Tile tile);
}
