package dev.strongroom.crypto;

import dev.strongroom.format.Decoder;
import dev.strongroom.format.Encoder;
import dev.strongroom.format.IntegrityException;
import dev.strongroom.format.PublicIdentity;
import dev.strongroom.format.Suite;

/**
 * The recovery identity's private keys, sealed under a key derived from the recovery code
 * and stored on the server. The recovery public keys are in the genesis entry; the blob is
 * bound to them, so a server cannot hand out a blob for other keys.
 *
 * <pre>blob := recovery public identity (3200 bytes) || u32 len || box(exportPrivate)</pre>
 */
public final class RecoveryBlob {
    private RecoveryBlob() {
    }

    public static byte[] seal(IdentityKeys recovery, RecoveryCode code) {
        PublicIdentity pub = recovery.publicIdentity();
        try (SymmetricKey k = code.blobKey()) {
            byte[] box = k.seal(recovery.exportPrivate(), new SealContext.RecoveryBlob(Suite.CURRENT, pub.hash()));
            Encoder e = new Encoder(PublicIdentity.ENCODED_LENGTH + box.length + 8);
            return pub.writeTo(e).bytes32(box).toBytes();
        }
    }

    /**
     * Opens a blob with the code and checks the keys are the recovery identity the verified
     * genesis entry names.
     */
    public static IdentityKeys open(byte[] blob, RecoveryCode code, PublicIdentity expected) {
        Decoder d = new Decoder(blob, "recovery blob");
        PublicIdentity pub = PublicIdentity.read(d);
        byte[] box = d.bytes32(1 << 20);
        d.end();
        if (!pub.equals(expected)) {
            throw new IntegrityException("the recovery blob is for other keys than the account's genesis names");
        }
        try (SymmetricKey k = code.blobKey()) {
            IdentityKeys keys = IdentityKeys.importPrivate(k.open(box, new SealContext.RecoveryBlob(Suite.CURRENT, pub.hash())));
            if (!keys.publicIdentity().equals(expected)) {
                throw new IntegrityException("recovery keys do not match the account's recovery identity");
            }
            return keys;
        }
    }
}
