package dev.strongroom.format;

/**
 * The bytes a device signs (domain {@link SignatureDomain#AUTH}) to obtain a session token:
 * <pre>
 * label "strongroom/auth-request" v1 || u16 len || origin (UTF-8) || server_key[32] ||
 * account[32] || device[32] || u16 len || nonce || i64 time_ms
 * </pre>
 * {@code server_key} is the SHA-256 of the server's TLS public key as the client pinned it:
 * the server accepts only signatures naming its own key, so a server that relays a challenge
 * from another server to a client cannot use the answer there. {@code origin} is the URL the
 * client used; {@code nonce} is the server's single-use challenge; {@code time_ms} must be
 * within 5 minutes of the server's clock.
 */
public final class AuthRequest {
    public static final int NONCE_LENGTH = 32;
    public static final int MAX_ORIGIN = 255;

    private AuthRequest() {
    }

    public static byte[] message(String origin, byte[] serverKey, AccountId account, DeviceId device, byte[] nonce,
                                 long timeMillis) {
        if (serverKey.length != 32 || nonce.length != NONCE_LENGTH || origin.isEmpty()
                || origin.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_ORIGIN) {
            throw new MalformedDataException("authentication request fields out of range");
        }
        return Encoder.labelled("strongroom/auth-request", 1).str16(origin).raw(serverKey).id(account).id(device)
                .bytes16(nonce).i64(timeMillis).toBytes();
    }
}
