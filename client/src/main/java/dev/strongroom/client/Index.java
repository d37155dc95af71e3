package dev.strongroom.client;

import dev.strongroom.crypto.SealContext;
import dev.strongroom.crypto.SymmetricKey;
import dev.strongroom.format.Decoder;
import dev.strongroom.format.Encoder;
import dev.strongroom.format.ObjectId;
import dev.strongroom.format.ObjectType;
import dev.strongroom.format.PackHeader;
import dev.strongroom.format.PackId;
import dev.strongroom.format.Suite;
import dev.strongroom.format.VaultId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where each object of a vault is: object id to pack, offset and sizes. Built from pack
 * headers (which are authenticated) and kept locally, sealed under the vault's metadata key
 * (docs/format.md, "Local index"). Thread-safe.
 */
final class Index {
    /** Where an object lives. */
    record Location(PackId pack, long keyEpoch, ObjectType type, int compression, long offset, int sealedLength,
                    int plainLength) {
    }

    private static final String LABEL = "strongroom/local-index";
    /** id, pack, epoch, type, compression, offset, sealed length, plain length. */
    private static final int ENTRY_BYTES = 32 + 32 + 4 + 1 + 1 + 8 + 4 + 4;
    private final Map<ObjectId, Location> objects = new ConcurrentHashMap<>();
    private final Map<PackId, Long> packs = new ConcurrentHashMap<>();

    Optional<Location> find(ObjectId id) {
        return Optional.ofNullable(objects.get(id));
    }

    boolean contains(ObjectId id) {
        return objects.containsKey(id);
    }

    /** Size of a pack, or null if this index does not know it. */
    Long packSize(PackId pack) {
        return packs.get(pack);
    }

    boolean hasPack(PackId pack) {
        return packs.containsKey(pack);
    }

    Set<PackId> packIds() {
        return packs.keySet();
    }

    int size() {
        return objects.size();
    }

    /** Adds every entry of a verified pack header; the first location of an object wins. */
    void addPack(PackId pack, long packSize, long keyEpoch, Collection<PackHeader.Entry> entries) {
        for (PackHeader.Entry e : entries) {
            objects.putIfAbsent(e.id(), new Location(pack, keyEpoch, e.type(), e.compression(), e.offset(),
                    e.sealedLength(), e.plainLength()));
        }
        packs.put(pack, packSize);
    }

    /** Forgets packs the server no longer lists. */
    void retainPacks(Set<PackId> present) {
        packs.keySet().retainAll(present);
        objects.values().removeIf(l -> !present.contains(l.pack()));
    }

    byte[] seal(SymmetricKey metadataKey, VaultId vault) {
        Encoder e = Encoder.labelled(LABEL, 1);
        List<Map.Entry<PackId, Long>> ps = new ArrayList<>(packs.entrySet());
        e.u32(ps.size());
        for (Map.Entry<PackId, Long> p : ps) {
            e.id(p.getKey()).u64(p.getValue());
        }
        List<Map.Entry<ObjectId, Location>> os = new ArrayList<>(objects.entrySet());
        e.u32(os.size());
        for (Map.Entry<ObjectId, Location> o : os) {
            Location l = o.getValue();
            e.id(o.getKey()).id(l.pack()).u32(l.keyEpoch()).u8(l.type().code()).u8(l.compression())
                    .u64(l.offset()).u32(l.sealedLength()).u32(l.plainLength());
        }
        return metadataKey.seal(e.toBytes(), new SealContext.Local(Suite.CURRENT, vault, "index"));
    }

    static Index open(byte[] sealed, SymmetricKey metadataKey, VaultId vault) {
        byte[] plain = metadataKey.open(sealed, new SealContext.Local(Suite.CURRENT, vault, "index"));
        Decoder d = new Decoder(plain, "local index");
        d.expectLabel(LABEL, 1);
        Index idx = new Index();
        int np = d.u32(0, d.remaining() / 40);
        for (int i = 0; i < np; i++) {
            idx.packs.put(new PackId(d.raw(32)), d.u64());
        }
        int no = d.u32(0, d.remaining() / ENTRY_BYTES);
        for (int i = 0; i < no; i++) {
            ObjectId id = new ObjectId(d.raw(32));
            idx.objects.put(id, new Location(new PackId(d.raw(32)), d.u32(), ObjectType.of(d.u8()), d.u8(), d.u64(),
                    d.u32(1, Integer.MAX_VALUE), d.u32(0, Integer.MAX_VALUE)));
        }
        d.end();
        return idx;
    }
}
