package dev.strongroom.client;

import dev.strongroom.format.AccountId;
import dev.strongroom.format.DeviceId;
import dev.strongroom.format.PackId;
import dev.strongroom.format.VaultId;
import java.util.List;
import java.util.Optional;

/**
 * What the client needs from a Strongroom server. Nothing returned is trusted: every caller
 * authenticates what it reads (chains are replayed, envelopes and commits are signed, objects
 * are sealed and named by MACs). Implementations: {@link HttpRemote}; tests add in-process and
 * deliberately malicious ones.
 *
 * <p>Methods below {@link #chain} act as the device the remote was opened for.
 */
public interface Remote extends AutoCloseable {

    /** Registers a new account. The genesis entry is self-certifying; the server checks it. */
    void createAccount(AccountCreation creation);

    /** Encoded device-chain entries from genesis on. */
    default List<byte[]> chain(AccountId account) {
        return chainWithLog(account).entries();
    }

    /** The chain with the transparency-log index of each entry (-1 where the server names none). */
    ChainListing chainWithLog(AccountId account);

    record ChainListing(List<byte[]> entries, List<Long> logIndices) {
    }

    /** A resource of the server's transparency log ({@code checkpoint}, {@code key}, {@code tile/...}). No session needed. */
    byte[] logResource(String path);

    /** The recovery blob of an account (sealed under the recovery code). */
    byte[] recoveryBlob(AccountId account);

    /** The envelope of root-key epoch {@code epoch} to the account's current recovery key. No session needed. */
    byte[] recoveryEnvelope(AccountId account, long epoch);

    /**
     * Appends a device-chain entry (self-certifying: no session needed). False if another entry
     * took that index first; the caller re-reads the chain.
     */
    boolean appendChainEntry(AccountId account, byte[] entry);

    /** Replaces the recovery blob (after the chain names a new recovery identity). */
    void putRecoveryBlob(byte[] blob);

    /** Opaque, client-sealed account state by name (e.g. "device-names"). */
    Optional<byte[]> state(String name);

    void putState(String name, byte[] value);

    /** Replaces or adds the key record of a vault key epoch. */
    void putKeyRecord(VaultId vault, long epoch, byte[] record);

    // ---- pairing mailbox (docs/http-api.md, "Pairing") ----

    /** A joiner opens a pairing with its commitment; returns the pairing code. No session needed. */
    String openPairing(AccountId account, byte[] commitment);

    /** The pairing's fields so far (see the server's Service.PAIRING_FIELDS); empty if unknown or expired. */
    Optional<java.util.Map<String, byte[]>> pairing(AccountId account, String code);

    /** Pairings of this device's account that await an answer, by code. */
    java.util.Map<String, java.util.Map<String, byte[]>> pendingPairings();

    void approvePairing(AccountId account, String code, byte[] nonce);

    void revealPairing(AccountId account, String code, byte[] identity, byte[] nonce);

    /** The approver's answer: the half-signed entry and the joiner's envelope, or a refusal (both empty). */
    void answerPairing(AccountId account, String code, Optional<byte[]> entry, Optional<byte[]> envelope);

    /** The envelope of root-key epoch {@code epoch} addressed to {@code recipient}. */
    byte[] envelope(long epoch, DeviceId recipient);

    void putEnvelope(long epoch, DeviceId recipient, byte[] envelope);

    /** Creates a vault with its first key record; false if the id is taken. */
    boolean createVault(VaultId vault, long epoch, byte[] keyRecord);

    List<VaultListing> vaults();

    /** Uploads a pack; returns once the server holds it durably. Idempotent. */
    void putPack(VaultId vault, PackId pack, PackBody body);

    /** Uploads a pack held in one array. */
    default void putPack(VaultId vault, PackId pack, byte[] data) {
        putPack(vault, pack, PackBody.of(List.of(data)));
    }

    /**
     * A pack's bytes as a list of parts (prefix, sealed blobs, padding, header, trailer), so a
     * pack is never copied into one array; re-readable for retries.
     */
    record PackBody(List<byte[]> parts, long length) {
        public static PackBody of(List<byte[]> parts) {
            return new PackBody(List.copyOf(parts), parts.stream().mapToLong(p -> p.length).sum());
        }

        public java.io.InputStream open() {
            return new java.io.SequenceInputStream(java.util.Collections.enumeration(
                    parts.stream().map(p -> (java.io.InputStream) new java.io.ByteArrayInputStream(p)).toList()));
        }

        public byte[] toArray() {
            byte[] out = new byte[Math.toIntExact(length)];
            int o = 0;
            for (byte[] p : parts) {
                System.arraycopy(p, 0, out, o, p.length);
                o += p.length;
            }
            return out;
        }
    }

    List<PackListing> packs(VaultId vault);

    /** Bytes {@code [start, end)} of a pack; the range must be block-aligned (or end at the pack's end). */
    byte[] readPack(VaultId vault, PackId pack, long start, long end);

    /** The vault's current head, if it has any commit. */
    Optional<StoredCommit> head(VaultId vault);

    /** Commits {@code from <= seq <= to}, ascending. */
    List<StoredCommit> commits(VaultId vault, long from, long to);

    /**
     * Compare-and-swap: stores {@code commit} if the vault's head is {@code commit}'s seq - 1.
     * False if another commit won; the caller rebases.
     */
    boolean commit(VaultId vault, StoredCommit commit, List<PackId> newPacks);

    @Override
    void close();

    /** What a new account registers. */
    record AccountCreation(AccountId account, byte[] genesis, byte[] recoveryBlob, List<EnvelopeUpload> envelopes,
                           byte[] sharingKeyWrap) {
    }

    record EnvelopeUpload(long epoch, DeviceId recipient, byte[] envelope) {
    }

    record VaultListing(VaultId vault, List<KeyRecord> keyRecords) {
    }

    record KeyRecord(long epoch, byte[] record) {
    }

    record PackListing(PackId pack, long size) {
    }

    /** A commit as stored: signed header, signature, sealed body, and its log index (-1 if none was named). */
    record StoredCommit(byte[] header, byte[] signature, byte[] sealed, long logIndex) {
        public StoredCommit(byte[] header, byte[] signature, byte[] sealed) {
            this(header, signature, sealed, -1);
        }
    }
}
