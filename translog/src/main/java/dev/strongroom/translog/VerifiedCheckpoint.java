package dev.strongroom.translog;

import java.util.List;

/**
 * A checkpoint whose log signature and witness cosignatures were verified by a
 * {@link CheckpointVerifier}.
 *
 * @param checkpoint   the parsed checkpoint
 * @param note         the whole signed note, to store as evidence (it may hold unverified lines)
 * @param cosignatures the valid cosignatures by configured witnesses, fresh or not
 */
public record VerifiedCheckpoint(Checkpoint checkpoint, Note note, List<Cosignature> cosignatures) {
    public VerifiedCheckpoint {
        cosignatures = List.copyOf(cosignatures);
    }
}
