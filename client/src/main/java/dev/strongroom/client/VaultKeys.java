package dev.strongroom.client;

import dev.strongroom.crypto.AccountRootKey;
import dev.strongroom.crypto.SealContext;
import dev.strongroom.crypto.VaultKey;
import dev.strongroom.format.AccountId;
import dev.strongroom.format.Decoder;
import dev.strongroom.format.Encoder;
import dev.strongroom.format.IntegrityException;
import dev.strongroom.format.NotFoundException;
import dev.strongroom.format.Suite;
import dev.strongroom.format.VaultId;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * A vault's keys for all its epochs, and its name, opened from the server's opaque key
 * records (docs/format.md, "Vault key record"):
 * <pre>
 * record := label "strongroom/vault-record" v1 || u8 suite || u32 ark_epoch ||
 *           u32 len || key_wrap || u32 len || sealed_name
 * </pre>
 * {@code key_wrap} is {@link VaultKey#wrap} under the account root key of {@code ark_epoch};
 * {@code sealed_name} is {@code u8 len || UTF-8 name || zeros} (256 bytes, so the name's
 * length is hidden) sealed with the epoch's metadata key in context
 * {@code VaultMeta(account, vault, epoch)}. Both are bound to this account and vault, so the
 * server can neither move a key nor a name to another vault.
 */
final class VaultKeys implements AutoCloseable {
    private static final String LABEL = "strongroom/vault-record";
    private static final int MAX_NAME = 255;
    private static final int NAME_BLOCK = 256;
    private final VaultId vault;
    private final String name;
    private final TreeMap<Long, VaultKey> keys;

    private VaultKeys(VaultId vault, String name, TreeMap<Long, VaultKey> keys) {
        this.vault = vault;
        this.name = name;
        this.keys = keys;
    }

    static byte[] record(AccountId account, AccountRootKey ark, VaultKey key, String name) {
        byte[] wrap = key.wrap(account, ark);
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        if (n.length == 0 || n.length > MAX_NAME) {
            throw new dev.strongroom.format.InvalidInputException("a vault name must be 1-255 bytes of UTF-8");
        }
        byte[] padded = new Encoder(NAME_BLOCK).u8(n.length).raw(n).raw(new byte[NAME_BLOCK - 1 - n.length]).toBytes();
        byte[] sealedName = key.metadataKey().seal(padded,
                new SealContext.VaultMeta(Suite.CURRENT, account, key.vault(), key.epoch()));
        return Encoder.labelled(LABEL, 1).u8(Suite.CURRENT.id()).u32(ark.epoch()).bytes32(wrap).bytes32(sealedName)
                .toBytes();
    }

    /** Opens every key record; the name is taken from the newest epoch. */
    static VaultKeys open(AccountId account, VaultId vault, Map<Long, byte[]> records,
                          java.util.function.LongFunction<AccountRootKey> arkForEpoch) {
        if (records.isEmpty()) {
            throw new NotFoundException("vault " + vault.hex() + " has no keys on the server");
        }
        TreeMap<Long, VaultKey> keys = new TreeMap<>();
        String name = null;
        for (Map.Entry<Long, byte[]> r : new TreeMap<>(records).entrySet()) {
            long epoch = r.getKey();
            Decoder d = new Decoder(r.getValue(), "vault key record");
            d.expectLabel(LABEL, 1);
            Suite.read(d, Suite.CURRENT);
            long arkEpoch = d.u32();
            byte[] wrap = d.bytes32(1 << 16);
            byte[] sealedName = d.bytes32(1 << 16);
            d.end();
            VaultKey key = VaultKey.unwrap(wrap, account, vault, epoch, arkForEpoch.apply(arkEpoch));
            byte[] padded = key.metadataKey().open(sealedName,
                    new SealContext.VaultMeta(Suite.CURRENT, account, vault, epoch));
            if (padded.length != NAME_BLOCK) {
                throw new IntegrityException("vault name block has an invalid length");
            }
            Decoder nd = new Decoder(padded, "vault name");
            int len = nd.u8();
            if (len == 0) {
                throw new IntegrityException("vault name is empty");
            }
            byte[] n = nd.raw(len);
            for (byte b : nd.raw(nd.remaining())) {
                if (b != 0) {
                    throw new IntegrityException("vault name padding is not zero");
                }
            }
            name = nd.utf8(n);
            keys.put(epoch, key);
        }
        return new VaultKeys(vault, name, keys);
    }

    VaultId vault() {
        return vault;
    }

    String name() {
        return name;
    }

    VaultKey current() {
        return keys.lastEntry().getValue();
    }

    VaultKey epoch(long epoch) {
        VaultKey k = keys.get(epoch);
        if (k == null) {
            throw new IntegrityException("vault " + vault.hex() + " has no key for epoch " + epoch);
        }
        return k;
    }

    @Override
    public void close() {
        keys.values().forEach(VaultKey::close);
    }
}
