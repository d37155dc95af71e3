package dev.strongroom.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strongroom.storage.Stores;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("Server configuration: flags over environment over file over defaults")
class ServerConfigTest {
    @TempDir
    Path tmp;

    private static final Path DEFAULT_DATA = Path.of("/default/data");

    private ServerConfig load(Optional<Path> file, Map<String, String> env, Map<String, String> flags) {
        return ServerConfig.load(file, env, flags, DEFAULT_DATA);
    }

    private Path file(String toml) throws IOException {
        Path f = tmp.resolve("server.toml");
        Files.writeString(f, toml);
        return f;
    }

    @Test
    @DisplayName("nothing given: the embedded defaults in the default data folder")
    void defaults() {
        ServerConfig c = load(Optional.empty(), Map.of(), Map.of());
        assertThat(c.dataDir()).isEqualTo(DEFAULT_DATA);
        assertThat(c.listen()).isEqualTo(new InetSocketAddress("127.0.0.1", 8443));
        assertThat(c.metadataLocation()).isEqualTo(new Stores.SqliteLocation(DEFAULT_DATA.resolve("meta.db")));
        assertThat(c.blobLocation()).isEqualTo(new Stores.FolderLocation(DEFAULT_DATA.resolve("packs")));
        assertThat(c.opsListen()).isEmpty();
        assertThat(c.isEmbedded()).isTrue();
        assertThat(c.logFormat()).isEqualTo(ServerConfig.LogFormat.TEXT);
    }

    @Test
    @DisplayName("a TOML file sets the scale-out stores; relative paths resolve against its folder and the data folder")
    void file() throws IOException {
        Path pw = tmp.resolve("data/pg-password");
        Files.createDirectories(pw.getParent());
        Files.writeString(pw, "s3cret\n");
        Path f = file("""
                data = "data"
                listen = "0.0.0.0:9443"
                ops_listen = "127.0.0.1:9090"
                metadata = "postgresql://strongroom@db.internal:5432/strongroom"
                blobs = "s3://packs/sr?endpoint=https://s3.example&region=eu-1"
                metadata_password_file = "pg-password"
                metadata_pool_size = 32
                log_format = "json"
                """);
        ServerConfig c = load(Optional.of(f), Map.of(), Map.of());
        assertThat(c.dataDir()).isEqualTo(tmp.resolve("data"));
        assertThat(c.listen()).isEqualTo(new InetSocketAddress("0.0.0.0", 9443));
        assertThat(c.opsListen()).contains(new InetSocketAddress("127.0.0.1", 9090));
        assertThat(c.metadataPassword()).contains("s3cret");
        assertThat(c.metadataPoolSize()).isEqualTo(32);
        assertThat(c.logFormat()).isEqualTo(ServerConfig.LogFormat.JSON);
        assertThat(c.isEmbedded()).isFalse();
        var pg = (Stores.PostgresLocation) c.metadataLocation();
        assertThat(pg.settings().password()).contains("s3cret");
        assertThat(pg.settings().poolSize()).isEqualTo(32);
        assertThat(((Stores.S3Location) c.blobLocation()).settings().bucket()).isEqualTo("packs");
        assertThat(c.toString()).doesNotContain("s3cret");
    }

    @Test
    @DisplayName("STRONGROOM_* variables override the file; flags override both")
    void precedence() throws IOException {
        Path f = file("""
                listen = "127.0.0.1:1111"
                metadata = "sqlite:/from/file.db"
                blobs = "file:/from/file"
                """);
        Map<String, String> env = Map.of("STRONGROOM_LISTEN", "127.0.0.1:2222", "STRONGROOM_METADATA",
                "sqlite:/from/env.db", "STRONGROOM_METADATA_PASSWORD", "envpw");
        ServerConfig c = load(Optional.of(f), env, Map.of("listen", "127.0.0.1:3333"));
        assertThat(c.listen().getPort()).isEqualTo(3333);
        assertThat(c.metadata()).isEqualTo("sqlite:/from/env.db");
        assertThat(c.blobs()).isEqualTo("file:/from/file");
        assertThat(c.metadataPassword()).contains("envpw");
    }

    @Test
    @DisplayName("IPv6 listen addresses go in brackets")
    void ipv6() {
        assertThat(ServerConfig.address("[::1]:8443", "listen")).isEqualTo(new InetSocketAddress("::1", 8443));
        assertThatThrownBy(() -> ServerConfig.address("::1:8443", "listen")).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"listen = \"nohost\"", "listen = \"h:99999\"", "unknown = \"x\"", "metadata = \"mysql://h\"",
        "blobs = \"s3://b?typo=1\"", "metadata_pool_size = 0", "metadata_pool_size = \"many\"", "log_format = \"xml\"",
        "listen = [1, 2]", "this is not toml", "metadata_password_file = \"/does/not/exist\"", "[table]\nx = 1"})
    @DisplayName("a bad file is refused with a message naming what is wrong")
    void badFile(String toml) throws IOException {
        Path f = file(toml);
        assertThatThrownBy(() -> load(Optional.of(f), Map.of(), Map.of())).isInstanceOf(IllegalArgumentException.class)
                .message().isNotBlank();
    }

    @Test
    @DisplayName("a missing file is refused")
    void missingFile() {
        assertThatThrownBy(() -> load(Optional.of(tmp.resolve("none.toml")), Map.of(), Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no such file");
    }
}
