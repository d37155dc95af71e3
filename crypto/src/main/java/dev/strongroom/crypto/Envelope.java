package dev.strongroom.crypto;

import dev.strongroom.format.AccountId;
import dev.strongroom.format.Decoder;
import dev.strongroom.format.DeviceId;
import dev.strongroom.format.Digest;
import dev.strongroom.format.Encoder;
import dev.strongroom.format.HybridSignature;
import dev.strongroom.format.IntegrityException;
import dev.strongroom.format.PublicIdentity;
import dev.strongroom.format.SignatureDomain;
import dev.strongroom.format.Suite;

/**
 * An account-root-key envelope: the ARK of one epoch wrapped to one recipient (a device or
 * the recovery key) by a sender device, and signed by that sender.
 *
 * <pre>
 * body     := label "strongroom/envelope" v1 || u8 suite || account[32] || u32 epoch ||
 *             sender[32] || recipient[32] || u32 len || wrap
 * envelope := u32 len || body || signature[3373]
 * </pre>
 * {@code wrap} is a {@link KemWrap} whose context binds purpose "ark", account, epoch, both
 * ids and both key hashes. Opening checks the sender's signature, the binding to this
 * recipient, account and epoch, and the root key's commitment in the device chain.
 */
public final class Envelope {
    private static final String LABEL = "strongroom/envelope";
    private static final String PURPOSE = "ark";

    private Envelope() {
    }

    private static SealContext.Envelope context(AccountId account, long epoch, PublicIdentity sender,
                                                PublicIdentity recipient) {
        return new SealContext.Envelope(Suite.CURRENT, PURPOSE, account, epoch, sender.deviceId(),
                recipient.deviceId(), sender.hash(), recipient.hash());
    }

    public static byte[] seal(AccountId account, AccountRootKey ark, IdentityKeys sender, PublicIdentity recipient) {
        PublicIdentity s = sender.publicIdentity();
        byte[] wrap = KemWrap.wrap(ark.exportForWrap(), recipient.kem(), context(account, ark.epoch(), s, recipient));
        byte[] body = Encoder.labelled(LABEL, 1).u8(Suite.CURRENT.id()).id(account).u32(ark.epoch())
                .id(s.deviceId()).id(recipient.deviceId()).bytes32(wrap).toBytes();
        HybridSignature sig = sender.sign(SignatureDomain.ENVELOPE, body);
        return sig.writeTo(new Encoder(body.length + 3400).bytes32(body)).toBytes();
    }

    /** The fields of an envelope, readable before it is opened. */
    public record Header(AccountId account, long epoch, DeviceId sender, DeviceId recipient) {
    }

    public static Header peek(byte[] envelope) {
        Decoder outer = new Decoder(envelope, "envelope");
        byte[] body = outer.bytes32(1 << 20);
        Decoder d = new Decoder(body, "envelope");
        d.expectLabel(LABEL, 1);
        Suite.read(d, Suite.CURRENT);
        return new Header(new AccountId(d.raw(32)), d.u32(), new DeviceId(d.raw(32)), new DeviceId(d.raw(32)));
    }

    /**
     * Opens an envelope.
     *
     * @param sender the sender's identity as the verified device chain knows it
     * @param commitment the chain's commitment for {@code epoch}
     */
    public static AccountRootKey open(byte[] envelope, AccountId account, long epoch, PublicIdentity sender,
                                      IdentityKeys recipient, Digest commitment) {
        Decoder outer = new Decoder(envelope, "envelope");
        byte[] body = outer.bytes32(1 << 20);
        HybridSignature sig = HybridSignature.read(outer);
        outer.end();
        sender.signing().verify(SignatureDomain.ENVELOPE, Suite.CURRENT, body, sig.bytes());
        Decoder d = new Decoder(body, "envelope");
        d.expectLabel(LABEL, 1);
        Suite.read(d, Suite.CURRENT);
        AccountId a = new AccountId(d.raw(32));
        long e = d.u32();
        DeviceId s = new DeviceId(d.raw(32));
        DeviceId r = new DeviceId(d.raw(32));
        byte[] wrap = d.bytes32(1 << 20);
        d.end();
        PublicIdentity me = recipient.publicIdentity();
        if (!a.equals(account) || e != epoch || !s.equals(sender.deviceId()) || !r.equals(me.deviceId())) {
            throw new IntegrityException("envelope is for another account, epoch, sender or recipient");
        }
        byte[] ark = KemWrap.unwrap(wrap, recipient, context(account, epoch, sender, me));
        return AccountRootKey.fromUnwrapped(epoch, ark, commitment);
    }
}
