package dev.strongroom.client;

import dev.strongroom.crypto.AccountRootKey;
import dev.strongroom.crypto.SealContext;
import dev.strongroom.format.AccountId;
import dev.strongroom.format.Decoder;
import dev.strongroom.format.Encoder;
import dev.strongroom.format.IntegrityException;
import dev.strongroom.format.SecurityFailureException;
import dev.strongroom.format.Suite;
import java.util.Optional;

/**
 * The account's copy of its devices' log trust anchors (log key, witnesses, quorum, freshness),
 * for devices that join later: the account state object {@code log-anchors}, {@code u32 ark_epoch
 * ‖ box}, the box sealed under that epoch's root key (docs/format.md). Only holders of the root key
 * can write it, so a joining device, which receives the root key from its approver (or from the
 * recovery envelope), takes its anchors from its approver rather than from the server. A reader
 * accepts only a copy sealed under the current root-key epoch (a removed device still holds the
 * older ones).
 */
final class LogAnchors {
    static final String NAME = "log-anchors";
    private static final String LABEL = "strongroom/log-anchors";

    private LogAnchors() {
    }

    /** Stores {@code policy} as the account's anchors, sealed under {@code ark}. */
    static void publish(Remote r, AccountId account, AccountRootKey ark, LogPolicy policy) {
        byte[] plain = Encoder.labelled(LABEL, 1).bytes32(policy.toJson()).toBytes();
        byte[] box = ark.key().seal(plain, new SealContext.AccountState(Suite.CURRENT, account, ark.epoch(), NAME));
        r.putState(NAME, new Encoder(box.length + 4).u32(ark.epoch()).raw(box).toBytes());
    }

    /** Publishes a client's own policy under the current root key (nothing if it follows no log). */
    static void publish(Client c) {
        Optional<LogPolicy> p = LogPolicy.read(c.home());
        if (p.isPresent()) {
            publish(c.remote(), c.account(), c.ark(c.chain().currentArkEpoch()), p.get());
        }
    }

    /**
     * The account's anchors, if stored and sealed under {@code ark} (the current root key).
     *
     * @throws IntegrityException if a copy is stored but is not sealed under that key or does not open
     */
    static Optional<LogPolicy> read(Remote r, AccountId account, AccountRootKey ark) {
        Optional<byte[]> stored = r.state(NAME);
        if (stored.isEmpty()) {
            return Optional.empty();
        }
        try {
            Decoder d = new Decoder(stored.get(), "log anchors");
            long epoch = d.u32();
            if (epoch != ark.epoch()) {
                throw new IntegrityException("the account's log anchors are sealed under root-key epoch " + epoch
                        + ", not the current " + ark.epoch() + " (stale, or written by a removed device)");
            }
            byte[] plain = ark.key().open(d.raw(d.remaining()),
                    new SealContext.AccountState(Suite.CURRENT, account, epoch, NAME));
            Decoder p = new Decoder(plain, "log anchors");
            p.expectLabel(LABEL, 1);
            byte[] json = p.bytes32(1 << 20);
            p.end();
            return Optional.of(LogPolicy.parse(json));
        } catch (SecurityFailureException e) {
            throw new IntegrityException("the account's log anchors do not open under the current root key: "
                    + e.getMessage(), e);
        }
    }
}
