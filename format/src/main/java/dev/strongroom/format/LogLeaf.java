package dev.strongroom.format;

/**
 * A leaf of the transparency log (DESIGN.md §4; docs/transparency-log.md): every device-chain
 * entry and every vault commit header, with a domain-separated encoding.
 *
 * <pre>
 * leaf := label "strongroom/log-leaf" v1 || u8 kind || body
 *   CHAIN  (1): account[32] || u64 index || u32 len || chain entry (as stored, signatures included)
 *   COMMIT (2): u32 len || commit header || signature[3373]
 * </pre>
 * A leaf is at most 65,535 bytes (tlog-tiles' two-byte entry length). Its key names what it
 * records — {@code chain/<account hex>/<index>} or {@code commit/<vault hex>/<seq>} — and the
 * log holds at most one leaf per key.
 */
public sealed interface LogLeaf {
    String LABEL = "strongroom/log-leaf";
    int MAX_LENGTH = 65_535;

    /** The unique key of what this leaf records. */
    String key();

    byte[] encode();

    /** A device-chain entry of an account. */
    record Chain(AccountId account, long index, byte[] entry) implements LogLeaf {
        @Override
        public String key() {
            return key(account, index);
        }

        public static String key(AccountId account, long index) {
            return "chain/" + account.hex() + "/" + index;
        }

        @Override
        public byte[] encode() {
            return check(Encoder.labelled(LABEL, 1).u8(1).id(account).u64(index).bytes32(entry).toBytes());
        }
    }

    /** A vault commit header with its author's signature. */
    record Commit(CommitHeader header, HybridSignature signature) implements LogLeaf {
        @Override
        public String key() {
            return key(header.vault(), header.seq());
        }

        public static String key(VaultId vault, long seq) {
            return "commit/" + vault.hex() + "/" + seq;
        }

        @Override
        public byte[] encode() {
            return check(signature.writeTo(Encoder.labelled(LABEL, 1).u8(2).bytes32(header.encode())).toBytes());
        }
    }

    private static byte[] check(byte[] leaf) {
        if (leaf.length > MAX_LENGTH) {
            throw new MalformedDataException("a log leaf is at most " + MAX_LENGTH + " bytes");
        }
        return leaf;
    }

    /**
     * Parses a leaf. A commit header inside is decoded; a chain entry is kept as its bytes (the
     * monitor compares them with the served chain). Neither is verified here.
     */
    static LogLeaf decode(byte[] data) {
        if (data.length > MAX_LENGTH) {
            throw new MalformedDataException("a log leaf is at most " + MAX_LENGTH + " bytes");
        }
        Decoder d = new Decoder(data, "log leaf");
        d.expectLabel(LABEL, 1);
        int kind = d.u8();
        LogLeaf leaf = switch (kind) {
            case 1 -> new Chain(new AccountId(d.raw(32)), d.u64(), d.bytes32(MAX_LENGTH));
            case 2 -> new Commit(CommitHeader.decode(d.bytes32(MAX_LENGTH), Suite.V1), HybridSignature.read(d));
            default -> throw new MalformedDataException("unknown log leaf kind " + kind);
        };
        d.end();
        return leaf;
    }
}
