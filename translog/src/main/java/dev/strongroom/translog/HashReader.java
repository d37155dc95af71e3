package dev.strongroom.translog;

import java.util.List;

/**
 * Read access to the stored hashes of a log: one hash per complete subtree ({@link Node}).
 * The Merkle functions ({@link Merkle#treeHash}, {@link Merkle#inclusionProof},
 * {@link Merkle#consistencyProof}, {@link Tiles#content}) only ask for nodes that exist in the
 * tree size they were given, and ask for all the nodes one answer needs in one call, so an
 * implementation can batch a database query or tile fetches.
 *
 * <p>Implementations: {@link MemoryHashStore} (a whole tree in memory), {@link TileReader}
 * (verified tiles fetched from a log), or a server's own table of hashes.
 */
@FunctionalInterface
public interface HashReader {

    /**
     * Returns the hashes of {@code nodes}, in the same order.
     *
     * @throws dev.strongroom.format.NotFoundException if a node is not stored
     */
    List<Hash> readHashes(List<Node> nodes);

    /** Convenience for one node. */
    default Hash readHash(Node node) {
        return readHashes(List.of(node)).getFirst();
    }
}
