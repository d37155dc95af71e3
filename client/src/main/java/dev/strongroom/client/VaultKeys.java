package dev.strongroom.client;

import dev.strongroom.crypto.AccountRootKey;
import dev.strongroom.crypto.SealContext;
import dev.strongroom.crypto.VaultKey;
import dev.strongroom.format.AccountId;
import dev.strongroom.format.Decoder;
import dev.strongroom.format.Encoder;
import dev.strongroom.format.IntegrityException;
import dev.strongroom.format.MalformedDataException;
import dev.strongroom.format.NotFoundException;
import dev.strongroom.format.Suite;
import dev.strongroom.format.VaultId;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A vault's keys for all its epochs, and its name, opened from the server's opaque key
 * records (docs/format.md, "Vault key record"):
 * <pre>
 * record := label "strongroom/vault-record" v1 || u8 suite || u8 n ||
 *           n × (u32 ark_epoch || u32 len || key_wrap) || u32 len || sealed_name
 * </pre>
 * each {@code key_wrap} is {@link VaultKey#wrap} under the account root key of its {@code ark_epoch}
 * (a rotation adds a wrap under the new epoch, so devices of either epoch can open it);
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
        return record(account, List.of(ark), key, name);
    }

    /** A key record with one wrap per given root-key epoch (old and new during a rotation). */
    static byte[] record(AccountId account, List<AccountRootKey> arks, VaultKey key, String name) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        if (n.length == 0 || n.length > MAX_NAME) {
            throw new dev.strongroom.format.InvalidInputException("a vault name must be 1-255 bytes of UTF-8");
        }
        byte[] padded = new Encoder(NAME_BLOCK).u8(n.length).raw(n).raw(new byte[NAME_BLOCK - 1 - n.length]).toBytes();
        byte[] sealedName = key.metadataKey().seal(padded,
                new SealContext.VaultMeta(Suite.CURRENT, account, key.vault(), key.epoch()));
        Encoder e = Encoder.labelled(LABEL, 1).u8(Suite.CURRENT.id()).u8(arks.size());
        for (AccountRootKey ark : arks) {
            e.u32(ark.epoch()).bytes32(key.wrap(account, ark));
        }
        return e.bytes32(sealedName).toBytes();
    }

    /**
     * Opens the key records of a vault. Each record holds wraps under one or more root-key epochs;
     * the newest epoch the verified chain knows and this device can open is used. A record with
     * no such wrap belongs to a rotation still in progress (its root-key epoch is not in the chain
     * yet) and is skipped; the name is taken from the newest usable epoch.
     */
    static VaultKeys open(AccountId account, VaultId vault, Map<Long, byte[]> records, long currentArkEpoch,
                          java.util.function.LongFunction<AccountRootKey> arkForEpoch) {
        if (records.isEmpty()) {
            throw new NotFoundException("vault " + vault.hex() + " has no keys on the server");
        }
        TreeMap<Long, VaultKey> keys = new TreeMap<>();
        String name = null;
        RuntimeException firstFailure = null;
        for (Map.Entry<Long, byte[]> r : new TreeMap<>(records).entrySet()) {
            long epoch = r.getKey();
            Decoder d = new Decoder(r.getValue(), "vault key record");
            d.expectLabel(LABEL, 1);
            Suite.read(d, Suite.CURRENT);
            int n = d.u8();
            TreeMap<Long, byte[]> wraps = new TreeMap<>();
            for (int i = 0; i < n; i++) {
                long arkEpoch = d.u32();
                if (wraps.put(arkEpoch, d.bytes32(1 << 16)) != null) {
                    throw new MalformedDataException("vault key record wraps twice under one root-key epoch");
                }
            }
            byte[] sealedName = d.bytes32(1 << 16);
            d.end();
            VaultKey key = null;
            for (Map.Entry<Long, byte[]> w : wraps.descendingMap().entrySet()) {
                if (w.getKey() > currentArkEpoch) {
                    continue; // a rotation in progress: the chain does not know this epoch yet
                }
                try {
                    key = VaultKey.unwrap(w.getValue(), account, vault, epoch, arkForEpoch.apply(w.getKey()));
                    break;
                } catch (NotFoundException e) {
                    // no envelope of that root-key epoch for this device (it joined later): try an older wrap
                    firstFailure = firstFailure == null ? e : firstFailure;
                }
            }
            if (key == null) {
                continue;
            }
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
            byte[] nm = nd.raw(len);
            for (byte b : nd.raw(nd.remaining())) {
                if (b != 0) {
                    throw new IntegrityException("vault name padding is not zero");
                }
            }
            name = nd.utf8(nm);
            keys.put(epoch, key);
        }
        if (keys.isEmpty()) {
            throw firstFailure != null ? firstFailure
                    : new NotFoundException("vault " + vault.hex() + " has no key this device can open yet");
        }
        return new VaultKeys(vault, name, keys);
    }

    /** Every epoch's key, oldest first (for re-wrapping on a rotation). */
    java.util.Collection<VaultKey> all() {
        return keys.values();
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
