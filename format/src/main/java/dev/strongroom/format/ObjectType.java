package dev.strongroom.format;

/** The type of a stored object. It is part of the object's id and of its AEAD context. */
public enum ObjectType {
    /** A chunk of file content. */
    DATA(1),
    /** A directory listing ({@link Tree}). */
    TREE(2);

    private final int code;

    ObjectType(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static ObjectType of(int code) {
        return switch (code) {
            case 1 -> DATA;
            case 2 -> TREE;
            default -> throw new MalformedDataException("unknown object type " + code);
        };
    }
}
