package dev.strongroom.client;

import dev.strongroom.crypto.VaultKey;
import dev.strongroom.format.IntegrityException;
import dev.strongroom.format.MalformedDataException;
import dev.strongroom.format.NotFoundException;
import dev.strongroom.format.ObjectId;
import dev.strongroom.format.ObjectType;
import dev.strongroom.format.PackHeader;
import dev.strongroom.format.PackId;
import dev.strongroom.format.PackLayout;
import dev.strongroom.format.SecurityFailureException;
import dev.strongroom.format.VaultId;
import dev.strongroom.crypto.SealContext;
import dev.strongroom.format.Suite;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Reads objects out of packs on the server by whole aligned blocks ({@link PackLayout#BLOCK_SIZE}),
 * never by exact object ranges, with a bounded in-memory block cache; opens and verifies
 * every object before returning it. Thread-safe.
 */
final class BlobSource {
    private final Remote remote;
    private final VaultId vault;
    private final Index index;
    private final VaultKeys keys;
    private final int maxBlocks;
    private final Map<String, CompletableFuture<byte[]>> blocks;

    private final Runnable resync;

    BlobSource(Remote remote, VaultId vault, Index index, VaultKeys keys, int maxBlocks, Runnable resync) {
        this.resync = resync;
        this.remote = remote;
        this.vault = vault;
        this.index = index;
        this.keys = keys;
        this.maxBlocks = maxBlocks;
        this.blocks = new LinkedHashMap<>(16, 0.75f, true);
    }

    /** Reads and verifies an object that must be of {@code type} (and, if >= 0, of {@code length} bytes). */
    byte[] read(ObjectId id, ObjectType type, int length) {
        Index.Location loc = locate(id, type, length);
        byte[] sealed = range(loc.pack(), loc.offset(), loc.sealedLength());
        return open(id, loc, sealed, 0);
    }

    /** Where an object is, checked against the type and length the caller expects. */
    Index.Location locate(ObjectId id, ObjectType type, int length) {
        Index.Location loc = index.find(id).orElse(null);
        if (loc == null && resync != null) {
            resync.run(); // packs written since this handle's last look (another writer)
            loc = index.find(id).orElse(null);
        }
        if (loc == null) {
            throw new NotFoundException("object " + short16(id) + " is not in any pack the server lists (missing data)");
        }
        if (loc.type() != type) {
            throw new IntegrityException("object " + short16(id) + " is a " + loc.type().name().toLowerCase()
                    + " object where a " + type.name().toLowerCase() + " object was expected");
        }
        if (length >= 0 && loc.plainLength() != length) {
            throw new IntegrityException("object " + short16(id) + " has " + loc.plainLength()
                    + " bytes where the tree states " + length);
        }
        return loc;
    }

    /** Opens and verifies the sealed object at {@code buf[off..]}. */
    byte[] open(ObjectId id, Index.Location loc, byte[] buf, int off) {
        VaultKey key = keys.epoch(loc.keyEpoch());
        try {
            return key.open(loc.type(), id, loc.compression(), loc.plainLength(), buf, off, loc.sealedLength());
        } catch (SecurityFailureException e) {
            throw rethrow(e, "object " + short16(id) + " in pack " + short16(loc.pack()));
        }
    }

    /** Fetches an aligned range of a pack (no caching), checking the length returned. */
    byte[] fetch(PackId pack, long start, long end) {
        if (!PackLayout.isAlignedRange(start, end, packSize(pack))) {
            throw new IllegalArgumentException("unaligned range");
        }
        byte[] data = remote.readPack(vault, pack, start, end);
        if (data.length != end - start) {
            throw new MalformedDataException("the server returned " + data.length + " bytes for a "
                    + (end - start) + "-byte range of pack " + short16(pack));
        }
        return data;
    }

    /** The same kind of failure, with where it happened in front of the message. */
    static SecurityFailureException rethrow(SecurityFailureException e, String where) {
        String m = where + ": " + e.getMessage();
        return switch (e) {
            case dev.strongroom.format.AuthenticationFailedException a -> new dev.strongroom.format.AuthenticationFailedException(m, a);
            case IntegrityException i -> new IntegrityException(m, i);
            case MalformedDataException x -> new MalformedDataException(m, x);
            case dev.strongroom.format.SignatureInvalidException x -> new dev.strongroom.format.SignatureInvalidException(m, x);
            case dev.strongroom.format.DowngradeException x -> new dev.strongroom.format.DowngradeException(m, x);
            case dev.strongroom.format.RollbackException x -> new dev.strongroom.format.RollbackException(m, x);
            case dev.strongroom.format.UnsafePathException x -> new dev.strongroom.format.UnsafePathException(m, x);
        };
    }

    static String short16(dev.strongroom.format.FixedBytes id) {
        return id.hex().substring(0, 16);
    }

    long packSize(PackId pack) {
        Long size = index.packSize(pack);
        if (size == null) {
            throw new NotFoundException("pack " + short16(pack) + " is not listed by the server");
        }
        return size;
    }

    private byte[] range(PackId pack, long offset, int len) {
        long size = packSize(pack);
        if (offset < 0 || offset + len > size) {
            throw new MalformedDataException("object range lies outside its pack");
        }
        byte[] out = new byte[len];
        long first = offset / PackLayout.BLOCK_SIZE;
        long last = (offset + len - 1) / PackLayout.BLOCK_SIZE;
        int o = 0;
        for (long b = first; b <= last; b++) {
            byte[] block = block(pack, b, size);
            long blockStart = b * PackLayout.BLOCK_SIZE;
            int from = (int) Math.max(0, offset - blockStart);
            int to = (int) Math.min(block.length, offset + len - blockStart);
            System.arraycopy(block, from, out, o, to - from);
            o += to - from;
        }
        return out;
    }

    private byte[] block(PackId pack, long b, long size) {
        String key = pack.hex() + ":" + b;
        CompletableFuture<byte[]> f;
        boolean mine = false;
        synchronized (blocks) {
            f = blocks.get(key);
            if (f == null) {
                f = new CompletableFuture<>();
                blocks.put(key, f);
                mine = true;
                while (blocks.size() > maxBlocks) {
                    var it = blocks.entrySet().iterator();
                    it.next();
                    it.remove();
                }
            }
        }
        if (mine) {
            long start = b * PackLayout.BLOCK_SIZE;
            long end = Math.min(size, start + PackLayout.BLOCK_SIZE);
            try {
                byte[] data = remote.readPack(vault, pack, start, end);
                if (data.length != end - start) {
                    throw new MalformedDataException("the server returned " + data.length + " bytes for a "
                            + (end - start) + "-byte block of pack " + short16(pack));
                }
                f.complete(data);
            } catch (RuntimeException e) {
                synchronized (blocks) {
                    blocks.remove(key);
                }
                f.completeExceptionally(e);
            }
        }
        try {
            return f.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    /**
     * Reads and verifies a pack's header from its tail: trailer, header box (opened in the
     * context of this vault, the trailer's key epoch and the expected pack id), entries inside
     * the pack.
     */
    static PackHeader readHeader(Remote remote, VaultId vault, PackId pack, long size, VaultKeys keys) {
        if (size < PackLayout.PREFIX_LENGTH + PackLayout.TRAILER_LENGTH + 1 || size > PackLayout.MAX_PACK_SIZE) {
            throw new MalformedDataException("pack " + short16(pack) + " has an impossible size " + size);
        }
        long start = PackLayout.blockStart(size - 1);
        byte[] tail = remote.readPack(vault, pack, start, size);
        if (tail.length != size - start) {
            throw new MalformedDataException("the server returned a short tail of pack " + short16(pack));
        }
        return parseHeader(vault, pack, size, keys, tail, start, (s, e) -> remote.readPack(vault, pack, s, e));
    }

    interface RangeReader {
        byte[] read(long start, long end);
    }

    /** Parses a header given the bytes of the pack from {@code tailStart} to its end. */
    static PackHeader parseHeader(VaultId vault, PackId pack, long size, VaultKeys keys, byte[] tail, long tailStart,
                                  RangeReader more) {
        try {
            PackLayout.Trailer t = PackLayout.readTrailer(tail, tail.length - PackLayout.TRAILER_LENGTH, size);
            long hoff = size - PackLayout.TRAILER_LENGTH - t.headerBoxLength();
            byte[] buf = tail;
            long bufStart = tailStart;
            if (hoff < bufStart) {
                long s = PackLayout.blockStart(hoff);
                byte[] extra = more.read(s, bufStart);
                if (extra.length != bufStart - s) {
                    throw new MalformedDataException("the server returned a short range of pack " + short16(pack));
                }
                byte[] joined = new byte[extra.length + buf.length];
                System.arraycopy(extra, 0, joined, 0, extra.length);
                System.arraycopy(buf, 0, joined, extra.length, buf.length);
                buf = joined;
                bufStart = s;
            }
            VaultKey key = keys.epoch(t.keyEpoch());
            byte[] plain = key.metadataKey().open(buf, (int) (hoff - bufStart), t.headerBoxLength(),
                    new SealContext.PackHeader(Suite.CURRENT, vault, t.keyEpoch(), pack));
            PackHeader h = PackHeader.decode(plain, Suite.CURRENT);
            if (!h.vault().equals(vault) || h.keyEpoch() != t.keyEpoch() || !h.pack().equals(pack)) {
                throw new IntegrityException("header names another vault, epoch or pack");
            }
            for (PackHeader.Entry e : h.entries()) {
                if (e.offset() + e.sealedLength() > hoff) {
                    throw new IntegrityException("header entry points past the header");
                }
            }
            return h;
        } catch (SecurityFailureException e) {
            throw rethrow(e, "pack " + short16(pack));
        }
    }
}
