package dev.strongroom.format;

/**
 * What a signature is for. The label is part of the signed bytes, so a signature made for
 * one purpose never verifies for another.
 */
public enum SignatureDomain {
    /** A device-chain entry (genesis, add-device, ...), by a device or the recovery key. */
    CHAIN_ENTRY("strongroom/sig/chain-entry"),
    /** A vault commit header. */
    COMMIT_HEADER("strongroom/sig/commit-header"),
    /** An account-root-key envelope. */
    ENVELOPE("strongroom/sig/envelope"),
    /** A vault key wrap or vault record. */
    VAULT_RECORD("strongroom/sig/vault-record"),
    /** A request to the server for a session token. */
    AUTH("strongroom/sig/auth");

    private final String label;

    SignatureDomain(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** The exact bytes both signature algorithms sign. */
    public byte[] signedBytes(Suite suite, byte[] message) {
        return Encoder.labelled("strongroom/signature", 1)
                .u8(suite.id())
                .label(label)
                .bytes32(message)
                .toBytes();
    }
}
