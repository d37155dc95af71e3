package dev.strongroom.crypto;

import dev.strongroom.format.AccountId;
import dev.strongroom.format.DeviceId;
import dev.strongroom.format.Digest;
import dev.strongroom.format.Encoder;
import dev.strongroom.format.ObjectId;
import dev.strongroom.format.ObjectType;
import dev.strongroom.format.PackId;
import dev.strongroom.format.Suite;
import dev.strongroom.format.VaultId;

/**
 * What a sealed box is, typed. Callers never build associated data by hand: each context
 * encodes itself with its own label and the suite, and the encoding is both the AES-GCM
 * associated data and part of the HKDF info of the box's key, so a box moved to any other
 * context (another vault, epoch, recipient, object, type or compression) fails to open.
 */
public sealed interface SealContext {
    Suite suite();

    /** The canonical encoding; see docs/format.md, "Seal contexts". */
    byte[] encode();

    private static Encoder start(String label, Suite suite) {
        return Encoder.labelled("strongroom/ctx/" + label, 1).u8(suite.id());
    }

    /** A chunk or tree in a pack; key: the vault's content key (data) or metadata key (trees). */
    record Blob(Suite suite, VaultId vault, long keyEpoch, ObjectType type, ObjectId id, int compression)
            implements SealContext {
        @Override
        public byte[] encode() {
            return start("blob", suite).id(vault).u32(keyEpoch).u8(type.code()).id(id).u8(compression).toBytes();
        }
    }

    /** A pack header; key: the vault's metadata key. */
    record PackHeader(Suite suite, VaultId vault, long keyEpoch, PackId pack) implements SealContext {
        @Override
        public byte[] encode() {
            return start("pack-header", suite).id(vault).u32(keyEpoch).id(pack).toBytes();
        }
    }

    /** A commit; key: the vault's metadata key. */
    record Commit(Suite suite, AccountId account, VaultId vault, long keyEpoch, long seq) implements SealContext {
        @Override
        public byte[] encode() {
            return start("commit", suite).id(account).id(vault).u32(keyEpoch).u64(seq).toBytes();
        }
    }

    /** A vault's own metadata (its name); key: the vault's metadata key. */
    record VaultMeta(Suite suite, AccountId account, VaultId vault, long keyEpoch) implements SealContext {
        @Override
        public byte[] encode() {
            return start("vault-meta", suite).id(account).id(vault).u32(keyEpoch).toBytes();
        }
    }

    /** A vault key wrapped under the account root key. */
    record VaultKeyWrap(Suite suite, AccountId account, VaultId vault, long vaultKeyEpoch, long arkEpoch)
            implements SealContext {
        @Override
        public byte[] encode() {
            return start("vault-key", suite).id(account).id(vault).u32(vaultKeyEpoch).u32(arkEpoch).toBytes();
        }
    }

    /**
     * A secret wrapped to a recipient's KEM key ({@link KemWrap}); binds both parties' ids and
     * key hashes, the account, the epoch and the purpose.
     */
    record Envelope(Suite suite, String purpose, AccountId account, long epoch, DeviceId sender, DeviceId recipient,
                    Digest senderKeys, Digest recipientKeys) implements SealContext {
        @Override
        public byte[] encode() {
            return start("envelope", suite).str16(purpose).id(account).u32(epoch).id(sender).id(recipient)
                    .id(senderKeys).id(recipientKeys).toBytes();
        }
    }

    /** The account sharing identity's private keys, wrapped under the account root key. */
    record SharingKey(Suite suite, AccountId account, long arkEpoch) implements SealContext {
        @Override
        public byte[] encode() {
            return start("sharing-key", suite).id(account).u32(arkEpoch).toBytes();
        }
    }

    /** The recovery identity's private keys, sealed under a key derived from the recovery code. */
    record RecoveryBlob(Suite suite, Digest recoveryIdentity) implements SealContext {
        @Override
        public byte[] encode() {
            return start("recovery-blob", suite).id(recoveryIdentity).toBytes();
        }
    }

    /** Account state shared by the account's devices (e.g. device names), sealed under a root key. */
    record AccountState(Suite suite, AccountId account, long arkEpoch, String name) implements SealContext {
        @Override
        public byte[] encode() {
            return start("account-state", suite).id(account).u32(arkEpoch).str16(name).toBytes();
        }
    }

    /** A device's own local secret state (e.g. cached root keys), bound to the device and the file's role. */
    record DeviceLocal(Suite suite, DeviceId device, String name) implements SealContext {
        @Override
        public byte[] encode() {
            return start("device-local", suite).id(device).str16(name).toBytes();
        }
    }

    /** A file in the client's local state (index, caches); bound to the vault and the file's role. */
    record Local(Suite suite, VaultId vault, String name) implements SealContext {
        @Override
        public byte[] encode() {
            return start("local", suite).id(vault).str16(name).toBytes();
        }
    }
}
