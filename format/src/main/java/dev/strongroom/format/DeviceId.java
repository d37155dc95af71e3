package dev.strongroom.format;

/** Id of a device: the hash of its public keys. */
public final class DeviceId extends FixedBytes {
    public static final int LENGTH = 32;

    public DeviceId(byte[] bytes) {
        super(bytes, LENGTH, "a device id");
    }

    public static DeviceId fromHex(String hex) {
        return new DeviceId(parseHex(hex, LENGTH, "a device id"));
    }
}
