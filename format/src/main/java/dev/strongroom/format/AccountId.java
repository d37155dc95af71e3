package dev.strongroom.format;

/** Id of an account: the hash of its genesis chain entry. */
public final class AccountId extends FixedBytes {
    public static final int LENGTH = 32;

    public AccountId(byte[] bytes) {
        super(bytes, LENGTH, "an account id");
    }

    public static AccountId fromHex(String hex) {
        return new AccountId(parseHex(hex, LENGTH, "an account id"));
    }
}
