package dev.strongroom.format;

import java.util.ArrayList;
import java.util.List;

/**
 * One entry of an account's device chain (DESIGN.md §3): an append-only, hash-linked list of
 * signed entries. Entry {@code n+1} names the hash of entry {@code n}; the account id is the
 * hash of the genesis entry.
 *
 * <pre>
 * body   := label "strongroom/chain-entry" v1 || u8 suite || u64 index || prev[32] ||
 *           i64 time_ms || u8 kind || kind-specific
 * GENESIS: u8 min_suite || identity device || identity sharing || identity recovery ||
 *           u32 ark_epoch || ark_commitment[32]
 * entry  := u32 body_len || body || u8 n || n × (u8 role || signature[3373])
 * hash   := SHA-256(label "strongroom/chain-entry-hash" v1 || entry)
 * </pre>
 * where {@code identity := signing_pk[1984] || kem_pk[1216]}. Every signature is a hybrid
 * signature in domain {@link SignatureDomain#CHAIN_ENTRY} over the body ({@link #signedBody()}).
 */
public record ChainEntry(Suite suite, long index, Digest prev, long timeMillis, Body body, List<Signed> signatures) {
    public static final String LABEL = "strongroom/chain-entry";
    public static final int VERSION = 1;
    public static final int MAX_ENCODED = 256 * 1024;
    public static final Digest NO_PREV = new Digest(new byte[32]);

    public ChainEntry {
        signatures = List.copyOf(signatures);
        if (index < 0) {
            throw new MalformedDataException("chain index is negative");
        }
    }

    /** Who made a signature on an entry. */
    public enum Role {
        /** The device that initiated the entry (genesis: the first device). */
        DEVICE(1),
        /** The account's recovery key. */
        RECOVERY(2),
        /** A device being added, proving it holds its keys. */
        SUBJECT(3);

        private final int code;

        Role(int code) {
            this.code = code;
        }

        public int code() {
            return code;
        }

        public static Role of(int code) {
            for (Role r : values()) {
                if (r.code == code) {
                    return r;
                }
            }
            throw new MalformedDataException("unknown chain signature role " + code);
        }
    }

    /** A signature with its role. */
    public record Signed(Role role, HybridSignature signature) {
    }

    /** The kind-specific part of an entry. */
    public sealed interface Body permits Genesis, AddDevice, RemoveDevice, SetRecovery {
        int kind();

        void writeTo(Encoder e);
    }

    /** The first entry: the first device, the account sharing identity, the recovery key, ARK epoch 1. */
    public record Genesis(Suite minSuite, PublicIdentity device, PublicIdentity sharing, PublicIdentity recovery,
                          long arkEpoch, Digest arkCommitment) implements Body {
        public static final int KIND = 1;

        @Override
        public int kind() {
            return KIND;
        }

        @Override
        public void writeTo(Encoder e) {
            e.u8(minSuite.id());
            device.writeTo(e);
            sharing.writeTo(e);
            recovery.writeTo(e);
            e.u32(arkEpoch);
            e.id(arkCommitment);
        }

        static Genesis read(Decoder d) {
            return new Genesis(Suite.of(d.u8()), PublicIdentity.read(d), PublicIdentity.read(d),
                    PublicIdentity.read(d), d.u32(), new Digest(d.raw(32)));
        }
    }

    /**
     * Adds a device. Signed by the approving device (role {@link Role#DEVICE}) or by the
     * recovery key ({@link Role#RECOVERY}), and always by the new device itself
     * ({@link Role#SUBJECT}) to prove it holds its keys.
     * <pre>ADD_DEVICE: u8 added_by (1 device, 2 recovery) || approver[32] (zero when by recovery) || identity new_device</pre>
     */
    public record AddDevice(Role addedBy, DeviceId approver, PublicIdentity device) implements Body {
        public static final int KIND = 2;
        public static final DeviceId NONE = new DeviceId(new byte[32]);

        public AddDevice {
            if (addedBy != Role.DEVICE && addedBy != Role.RECOVERY) {
                throw new MalformedDataException("a device is added by a device or by the recovery key");
            }
            if ((addedBy == Role.RECOVERY) != approver.equals(NONE)) {
                throw new MalformedDataException("an approver is named exactly when a device approves");
            }
        }

        @Override
        public int kind() {
            return KIND;
        }

        @Override
        public void writeTo(Encoder e) {
            e.u8(addedBy.code()).id(approver);
            device.writeTo(e);
        }

        static AddDevice read(Decoder d) {
            return new AddDevice(Role.of(d.u8()), new DeviceId(d.raw(32)), PublicIdentity.read(d));
        }
    }

    /**
     * Removes a device and starts a new account-root-key epoch with a new account sharing
     * identity. Signed by a device trusted at the previous entry ({@link Role#DEVICE}).
     * <pre>REMOVE_DEVICE: signer[32] || removed[32] || u32 new_ark_epoch || ark_commitment[32] || identity sharing</pre>
     */
    public record RemoveDevice(DeviceId signer, DeviceId removed, long arkEpoch, Digest arkCommitment,
                               PublicIdentity sharing) implements Body {
        public static final int KIND = 3;

        @Override
        public int kind() {
            return KIND;
        }

        @Override
        public void writeTo(Encoder e) {
            e.id(signer).id(removed).u32(arkEpoch).id(arkCommitment);
            sharing.writeTo(e);
        }

        static RemoveDevice read(Decoder d) {
            return new RemoveDevice(new DeviceId(d.raw(32)), new DeviceId(d.raw(32)), d.u32(), new Digest(d.raw(32)),
                    PublicIdentity.read(d));
        }
    }

    /**
     * Replaces the recovery identity (a new recovery code). Signed by a trusted device
     * ({@link Role#DEVICE}), co-signed by the current recovery key ({@link Role#RECOVERY}, so the
     * user must hold the current code) and by the new recovery key ({@link Role#SUBJECT}).
     * <pre>SET_RECOVERY: signer[32] || identity recovery</pre>
     */
    public record SetRecovery(DeviceId signer, PublicIdentity recovery) implements Body {
        public static final int KIND = 4;

        @Override
        public int kind() {
            return KIND;
        }

        @Override
        public void writeTo(Encoder e) {
            e.id(signer);
            recovery.writeTo(e);
        }

        static SetRecovery read(Decoder d) {
            return new SetRecovery(new DeviceId(d.raw(32)), PublicIdentity.read(d));
        }
    }

    /** The bytes every signature on this entry covers. */
    public byte[] signedBody() {
        Encoder e = Encoder.labelled(LABEL, VERSION);
        e.u8(suite.id()).u64(index).id(prev).i64(timeMillis).u8(body.kind());
        body.writeTo(e);
        return e.toBytes();
    }

    public byte[] encode() {
        Encoder e = new Encoder(8192);
        e.bytes32(signedBody());
        e.u8(signatures.size());
        for (Signed s : signatures) {
            e.u8(s.role().code());
            s.signature().writeTo(e);
        }
        return e.toBytes();
    }

    public Digest hash() {
        return Sha256.labelled("strongroom/chain-entry-hash", encode());
    }

    public static ChainEntry decode(byte[] data, Suite minimum) {
        if (data.length > MAX_ENCODED) {
            throw new MalformedDataException("chain entry is larger than " + MAX_ENCODED + " bytes");
        }
        Decoder outer = new Decoder(data, "chain entry");
        byte[] bodyBytes = outer.bytes32(MAX_ENCODED);
        int n = outer.u8();
        if (n > 4) {
            throw new MalformedDataException("chain entry has too many signatures");
        }
        List<Signed> sigs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            sigs.add(new Signed(Role.of(outer.u8()), HybridSignature.read(outer)));
        }
        outer.end();

        Decoder d = new Decoder(bodyBytes, "chain entry body");
        d.expectLabel(LABEL, VERSION);
        Suite suite = Suite.read(d, minimum);
        long index = d.u64();
        Digest prev = new Digest(d.raw(32));
        long time = d.i64();
        int kind = d.u8();
        Body body = switch (kind) {
            case Genesis.KIND -> Genesis.read(d);
            case AddDevice.KIND -> AddDevice.read(d);
            case RemoveDevice.KIND -> RemoveDevice.read(d);
            case SetRecovery.KIND -> SetRecovery.read(d);
            default -> throw new MalformedDataException("unknown chain entry kind " + kind + "; upgrade Strongroom");
        };
        d.end();
        ChainEntry entry = new ChainEntry(suite, index, prev, time, body, sigs);
        if (!java.util.Arrays.equals(entry.encode(), data)) {
            throw new MalformedDataException("chain entry is not in canonical form");
        }
        return entry;
    }

    /** The signature with the given role, if present exactly once. */
    public HybridSignature signature(Role role) {
        HybridSignature found = null;
        for (Signed s : signatures) {
            if (s.role() == role) {
                if (found != null) {
                    throw new MalformedDataException("chain entry carries two " + role + " signatures");
                }
                found = s.signature();
            }
        }
        if (found == null) {
            throw new SignatureInvalidException("chain entry " + index + " lacks the " + role + " signature");
        }
        return found;
    }

    /**
     * Verifies a genesis entry on its own: index 0, no predecessor, the first device's and the
     * recovery key's signatures, and (when {@code expected} is given) that its hash is the
     * account id the user was given.
     *
     * @return the account id (the entry's hash)
     */
    public AccountId verifyGenesis(AccountId expected) {
        if (!(body instanceof Genesis g)) {
            throw new IntegrityException("the first chain entry is not a genesis entry");
        }
        if (index != 0 || !prev.equals(NO_PREV)) {
            throw new IntegrityException("genesis entry must have index 0 and no predecessor");
        }
        if (suite.id() < g.minSuite().id()) {
            throw new DowngradeException("genesis entry is written with a suite below its own minimum");
        }
        if (g.arkEpoch() != 1) {
            throw new IntegrityException("genesis entry must start account root key epoch 1");
        }
        if (signatures.size() != 2) {
            throw new SignatureInvalidException("genesis entry must carry exactly the device and recovery signatures");
        }
        byte[] b = signedBody();
        g.device().signing().verify(SignatureDomain.CHAIN_ENTRY, suite, b, signature(Role.DEVICE).bytes());
        g.recovery().signing().verify(SignatureDomain.CHAIN_ENTRY, suite, b, signature(Role.RECOVERY).bytes());
        AccountId id = new AccountId(hash().bytes());
        if (expected != null && !expected.equals(id)) {
            throw new IntegrityException("the genesis entry the server sent does not hash to account id "
                    + expected.hex() + "; the server substituted the account");
        }
        return id;
    }
}
