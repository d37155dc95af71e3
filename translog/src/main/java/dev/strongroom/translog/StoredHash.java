package dev.strongroom.translog;

import java.util.Objects;

/** A node and its hash, as a log stores it. */
public record StoredHash(Node node, Hash hash) {
    public StoredHash {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(hash, "hash");
    }
}
