package dev.strongroom.format;

/** Id of a chunk or tree: {@code HMAC-SHA256(K_id, type || plaintext)}. Known only to holders of the vault key. */
public final class ObjectId extends FixedBytes {
    public static final int LENGTH = 32;

    public ObjectId(byte[] bytes) {
        super(bytes, LENGTH, "an object id");
    }

    public static ObjectId fromHex(String hex) {
        return new ObjectId(parseHex(hex, LENGTH, "an object id"));
    }
}
