package dev.strongroom.format;

import java.util.ArrayList;
import java.util.List;

/** Builds genesis chain entries signed with {@link TestKeys} signers. */
final class Chains {
    private Chains() {
    }

    static final long TIME = 1_700_000_000_000L;
    static final Digest ARK_COMMITMENT = new Digest(Raw.seq(32, 0xA0));

    static PublicIdentity device() {
        return TestKeys.identity(0, 1);
    }

    static PublicIdentity recovery() {
        return TestKeys.identity(1, 3);
    }

    static PublicIdentity sharing() {
        return TestKeys.identity(2, 2);
    }

    static ChainEntry.Genesis body(long arkEpoch) {
        return new ChainEntry.Genesis(Suite.V1, device(), sharing(), recovery(), arkEpoch, ARK_COMMITMENT);
    }

    static ChainEntry unsigned(long index, Digest prev, ChainEntry.Genesis body) {
        return new ChainEntry(Suite.V1, index, prev, TIME, body, List.of());
    }

    /** {@code roles[i]} signed by {@code TestKeys.signer(signers[i])} over the entry's signed body. */
    static ChainEntry sign(ChainEntry e, List<ChainEntry.Role> roles, int... signers) {
        List<ChainEntry.Signed> sigs = new ArrayList<>();
        byte[] body = e.signedBody();
        for (int i = 0; i < roles.size(); i++) {
            sigs.add(new ChainEntry.Signed(roles.get(i),
                    TestKeys.signer(signers[i]).sign(SignatureDomain.CHAIN_ENTRY, e.suite(), body)));
        }
        return new ChainEntry(e.suite(), e.index(), e.prev(), e.timeMillis(), e.body(), sigs);
    }

    /** A valid genesis entry: device (signer 0) and recovery (signer 1) signatures. */
    static ChainEntry genesis() {
        return sign(unsigned(0, ChainEntry.NO_PREV, body(1)), List.of(ChainEntry.Role.DEVICE, ChainEntry.Role.RECOVERY),
                0, 1);
    }
}
