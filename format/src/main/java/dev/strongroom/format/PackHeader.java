package dev.strongroom.format;

import java.util.ArrayList;
import java.util.List;

/**
 * The plaintext of a pack's header box: what each sealed blob in the pack is and where.
 *
 * <pre>
 * label "strongroom/pack-header" v1 || u8 suite || vault[16] || u32 key_epoch || pack_id[32] ||
 * body_hash[32] || u32 n || n × entry || u32 pad_len || pad_len × 0x00
 * entry := u8 type || object_id[32] || u8 compression || u32 offset || u32 sealed_len || u32 plain_len
 * </pre>
 * {@code body_hash} is SHA-256 over all pack bytes before the header box (prefix, blobs and
 * padding). {@code pad_len} makes the sealed header a multiple of 4096 bytes, so the header
 * length reveals the number of entries only coarsely. Entries are in offset order and do not
 * overlap.
 */
public record PackHeader(Suite suite, VaultId vault, long keyEpoch, PackId pack, Digest bodyHash, List<Entry> entries) {
    public static final String LABEL = "strongroom/pack-header";
    public static final int VERSION = 1;
    public static final int ENTRY_LENGTH = 1 + 32 + 1 + 4 + 4 + 4;

    public PackHeader {
        entries = List.copyOf(entries);
    }

    /** One blob in the pack. */
    public record Entry(ObjectType type, ObjectId id, int compression, long offset, int sealedLength, int plainLength) {
    }

    /** Encodes with zero padding of {@code padLength} bytes. */
    public byte[] encode(int padLength) {
        Encoder e = new Encoder(fixedLength(entries.size()) + padLength);
        e.label(LABEL).u16(VERSION);
        e.u8(suite.id()).id(vault).u32(keyEpoch).id(pack).id(bodyHash).u32(entries.size());
        for (Entry en : entries) {
            e.u8(en.type().code()).id(en.id()).u8(en.compression()).u32(en.offset()).u32(en.sealedLength())
                    .u32(en.plainLength());
        }
        e.u32(padLength);
        e.raw(new byte[padLength]);
        return e.toBytes();
    }

    /** Length of the encoding without padding bytes. */
    public static int fixedLength(int entries) {
        return 1 + LABEL.length() + 2 + 1 + 16 + 4 + 32 + 32 + 4 + entries * ENTRY_LENGTH + 4;
    }

    public static PackHeader decode(byte[] data, Suite minimum) {
        Decoder d = new Decoder(data, "pack header");
        d.expectLabel(LABEL, VERSION);
        Suite suite = Suite.read(d, minimum);
        VaultId vault = new VaultId(d.raw(16));
        long epoch = d.u32();
        PackId pack = new PackId(d.raw(32));
        Digest bodyHash = new Digest(d.raw(32));
        int n = d.u32(0, d.remaining() / ENTRY_LENGTH);
        List<Entry> entries = new ArrayList<>(n);
        long prevEnd = PackLayout.PREFIX_LENGTH;
        for (int i = 0; i < n; i++) {
            ObjectType type = ObjectType.of(d.u8());
            ObjectId id = new ObjectId(d.raw(32));
            int compression = d.u8();
            long offset = d.u32();
            int sealed = d.u32(1, Integer.MAX_VALUE);
            int plain = d.u32(0, Tree.MAX_ENCODED);
            if (offset < prevEnd) {
                throw new MalformedDataException("pack header entries overlap or are out of order");
            }
            prevEnd = offset + sealed;
            entries.add(new Entry(type, id, compression, offset, sealed, plain));
        }
        int pad = d.u32(0, d.remaining());
        byte[] zeros = d.raw(pad);
        for (byte b : zeros) {
            if (b != 0) {
                throw new MalformedDataException("pack header padding is not zero");
            }
        }
        d.end();
        return new PackHeader(suite, vault, epoch, pack, bodyHash, entries);
    }
}
