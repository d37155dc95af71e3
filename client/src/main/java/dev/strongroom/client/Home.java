package dev.strongroom.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strongroom.format.AccountId;
import dev.strongroom.format.DeviceId;
import dev.strongroom.format.InvalidInputException;
import dev.strongroom.format.NotFoundException;
import dev.strongroom.format.OperationFailedException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;

/**
 * A device's local state (docs/client-home.md). One home is one device.
 *
 * <p>With {@code $STRONGROOM_HOME} or {@code --home DIR}, everything lives under that folder.
 * Otherwise XDG places: configuration and the device key in
 * {@code $XDG_CONFIG_HOME/strongroom} (~/.config), the rollback state in
 * {@code $XDG_STATE_HOME/strongroom} (~/.local/state) and caches in
 * {@code $XDG_CACHE_HOME/strongroom} (~/.cache). Secret files are written 0600.
 */
public final class Home {
    /** Created on first use: the thin client (docs/agent.md) resolves a home without needing Jackson. */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper();
    }
    private final Path config;
    private final Path state;
    private final Path cache;

    private Home(Path config, Path state, Path cache) {
        this.config = config;
        this.state = state;
        this.cache = cache;
    }

    /** Everything under one folder. */
    public static Home at(Path dir) {
        Path d = dir.toAbsolutePath().normalize();
        return new Home(d, d.resolve("state"), d.resolve("cache"));
    }

    /** {@code explicit} if given, else {@code $STRONGROOM_HOME}, else the XDG places. */
    public static Home resolve(Optional<Path> explicit, Map<String, String> env) {
        if (explicit.isPresent()) {
            return at(explicit.get());
        }
        String sh = env.get("STRONGROOM_HOME");
        if (sh != null && !sh.isBlank()) {
            return at(Path.of(sh));
        }
        Path user = Path.of(env.getOrDefault("HOME", System.getProperty("user.home")));
        return new Home(xdg(env, "XDG_CONFIG_HOME", user.resolve(".config")),
                xdg(env, "XDG_STATE_HOME", user.resolve(".local/state")),
                xdg(env, "XDG_CACHE_HOME", user.resolve(".cache")));
    }

    private static Path xdg(Map<String, String> env, String var, Path fallback) {
        String v = env.get(var);
        return (v != null && !v.isBlank() && Path.of(v).isAbsolute() ? Path.of(v) : fallback).resolve("strongroom");
    }

    public Path configDir() {
        return config;
    }

    Path stateDir() {
        return state;
    }

    /** Where this device's resident agent listens, if one runs (docs/agent.md). */
    public Path agentSocket() {
        return state.resolve("agent.sock");
    }

    Path cacheDir() {
        return cache;
    }

    /** The device's configuration. */
    public record Config(URI server, String fingerprint, AccountId account, DeviceId device, String deviceName) {
    }

    public boolean initialized() {
        return Files.exists(config.resolve("config.json"));
    }

    public Config config() {
        Path f = config.resolve("config.json");
        if (!Files.exists(f)) {
            throw new NotFoundException("no Strongroom device here (" + config
                    + "); run 'strongroom init' or pass --home");
        }
        try {
            var n = Json.MAPPER.readTree(f.toFile());
            return new Config(URI.create(n.get("server").asText()), n.get("server_fingerprint").asText(),
                    AccountId.fromHex(n.get("account_id").asText()), DeviceId.fromHex(n.get("device_id").asText()),
                    n.path("device_name").asText(""));
        } catch (IOException | RuntimeException e) {
            throw new OperationFailedException("cannot read " + f + ": " + e.getMessage(), e);
        }
    }

    void writeConfig(Config c) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("server", c.server().toString());
        n.put("server_fingerprint", c.fingerprint());
        n.put("account_id", c.account().hex());
        n.put("device_id", c.device().hex());
        n.put("device_name", c.deviceName());
        try {
            writeAtomically(config.resolve("config.json"), Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(n), false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    byte[] deviceKey() {
        Path f = config.resolve("device.key");
        try {
            return Files.readAllBytes(f);
        } catch (IOException e) {
            throw new OperationFailedException("cannot read the device key " + f + ": " + e.getMessage(), e);
        }
    }

    void writeDeviceKey(byte[] encoded) {
        writeAtomically(config.resolve("device.key"), encoded, true);
    }

    /** Refuses to initialize over an existing device. */
    void requireEmpty() {
        if (initialized()) {
            throw new InvalidInputException("this home already holds a device (" + config
                    + "); use another --home to create another device");
        }
    }

    Path vaultState(String vaultHex) {
        return state.resolve("vaults").resolve(vaultHex);
    }

    Path vaultCache(String vaultHex) {
        return cache.resolve("vaults").resolve(vaultHex);
    }

    /** Writes a file via a temporary sibling, fsync and atomic rename; secret files get mode 0600. */
    static void writeAtomically(Path target, byte[] data, boolean secret) {
        try {
            Path dir = target.getParent();
            Files.createDirectories(dir);
            Path tmp = dir.resolve("." + target.getFileName() + ".tmp-"
                    + Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE));
            try {
                if (secret) {
                    Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                    Files.write(tmp, data, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
                } else {
                    Files.write(tmp, data, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                }
                try (var ch = java.nio.channels.FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                    ch.force(true);
                }
                try {
                    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (FileAlreadyExistsException e) {
            throw new OperationFailedException("temporary file collision writing " + target, e);
        } catch (IOException e) {
            throw new OperationFailedException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }
}
