package dev.strongroom.crypto;

import dev.strongroom.format.ObjectId;
import dev.strongroom.format.ObjectType;

/** A chunk or tree ready for a pack: its id, how it is stored, and its sealed box. */
public final class SealedBlob {
    private final ObjectType type;
    private final ObjectId id;
    private final int compression;
    private final int plainLength;
    private final byte[] box;

    SealedBlob(ObjectType type, ObjectId id, int compression, int plainLength, byte[] box) {
        this.type = type;
        this.id = id;
        this.compression = compression;
        this.plainLength = plainLength;
        this.box = box;
    }

    public ObjectType type() {
        return type;
    }

    public ObjectId id() {
        return id;
    }

    public int compression() {
        return compression;
    }

    public int plainLength() {
        return plainLength;
    }

    /** The sealed bytes; the array is shared, do not modify it. */
    public byte[] box() {
        return box;
    }

    public int sealedLength() {
        return box.length;
    }
}
