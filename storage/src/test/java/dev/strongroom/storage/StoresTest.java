package dev.strongroom.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("Store URIs")
class StoresTest {
    private static final Path BASE = Path.of("/srv/sr");
    private static final Stores.PostgresOptions OPTIONS = Stores.PostgresOptions.defaults();

    private static PostgresMetadataStore.Settings pg(String uri) {
        return ((Stores.PostgresLocation) Stores.metadata(uri, BASE, OPTIONS)).settings();
    }

    private static S3BlobStore.Settings s3(String uri) {
        return ((Stores.S3Location) Stores.blobs(uri, BASE)).settings();
    }

    @Nested
    @DisplayName("metadata")
    class Metadata {
        @Test
        @DisplayName("sqlite: absolute, relative to the data folder, and the URI form with three slashes")
        void sqlite() {
            assertThat(Stores.metadata("sqlite:/var/lib/m.db", BASE, OPTIONS))
                    .isEqualTo(new Stores.SqliteLocation(Path.of("/var/lib/m.db")));
            assertThat(Stores.metadata("sqlite:meta.db", BASE, OPTIONS))
                    .isEqualTo(new Stores.SqliteLocation(Path.of("/srv/sr/meta.db")));
            assertThat(Stores.metadata("sqlite:///var/lib/m.db", BASE, OPTIONS))
                    .isEqualTo(new Stores.SqliteLocation(Path.of("/var/lib/m.db")));
        }

        @Test
        @DisplayName("postgresql://user@host:port/db?params becomes a JDBC URL, user and no password")
        void postgres() {
            PostgresMetadataStore.Settings s = pg("postgresql://strongroom@db.internal:5432/sr?sslmode=verify-full");
            assertThat(s.jdbcUrl()).isEqualTo("jdbc:postgresql://db.internal:5432/sr?sslmode=verify-full");
            assertThat(s.user()).isEqualTo("strongroom");
            assertThat(s.password()).isEmpty();
            assertThat(s.poolSize()).isEqualTo(16);
        }

        @Test
        @DisplayName("several hosts, IPv6, postgres:// and a default database name")
        void hosts() {
            assertThat(pg("postgres://a:5432,b:5433/x?targetServerType=primary").jdbcUrl())
                    .isEqualTo("jdbc:postgresql://a:5432,b:5433/x?targetServerType=primary");
            assertThat(pg("postgresql://u@[::1]:5432").jdbcUrl()).isEqualTo("jdbc:postgresql://[::1]:5432/strongroom");
        }

        @Test
        @DisplayName("a password in the URI is used (percent-decoded) unless one came from a file or the environment")
        void password() {
            assertThat(pg("postgresql://u:p%40ss@h/d").password()).contains("p@ss");
            Stores.PostgresOptions withPassword = new Stores.PostgresOptions(Optional.of("from-file"), 4, 5_000);
            var s = ((Stores.PostgresLocation) Stores.metadata("postgresql://u:inline@h/d", BASE, withPassword))
                    .settings();
            assertThat(s.password()).contains("from-file");
            assertThat(s.poolSize()).isEqualTo(4);
            assertThat(Stores.metadata("postgresql://u:secret@h/d", BASE, OPTIONS).describe()).doesNotContain("secret");
        }

        @ParameterizedTest(name = "\"{0}\"")
        @ValueSource(strings = {"", "mysql://h/d", "postgresql://", "postgresql:///d", "postgresql://h/d b",
            "postgresql://h/d?password=x", "postgresql://h/d?user=x", "postgresql://h/d?=x", "sqlite:",
            "postgresql://h;drop/d"})
        @DisplayName("malformed or unsupported metadata URIs are refused")
        void malformed(String uri) {
            assertThatThrownBy(() -> Stores.metadata(uri, BASE, OPTIONS)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Nested
    @DisplayName("blobs")
    class Blobs {
        @Test
        @DisplayName("file: absolute and relative")
        void file() {
            assertThat(Stores.blobs("file:/data/packs", BASE)).isEqualTo(new Stores.FolderLocation(Path.of("/data/packs")));
            assertThat(Stores.blobs("file:packs", BASE)).isEqualTo(new Stores.FolderLocation(Path.of("/srv/sr/packs")));
        }

        @Test
        @DisplayName("s3://bucket/prefix with a custom endpoint defaults to path-style")
        void customEndpoint() {
            S3BlobStore.Settings s = s3("s3://my-bucket/strongroom/packs?endpoint=https://s3.example:9000&region=eu-1");
            assertThat(s.bucket()).isEqualTo("my-bucket");
            assertThat(s.prefix()).isEqualTo("strongroom/packs/");
            assertThat(s.endpoint()).contains(URI.create("https://s3.example:9000"));
            assertThat(s.region()).contains("eu-1");
            assertThat(s.pathStyle()).isTrue();
            assertThat(s.partSize()).isEqualTo(8L << 20);
        }

        @Test
        @DisplayName("AWS itself: no endpoint, virtual-host addressing, no prefix; tuning parameters")
        void aws() {
            S3BlobStore.Settings s = s3("s3://bucket?part_size_mib=16&multipart_threshold_mib=32&path-style=false"
                    + "&max_connections=10&buffer_mib=512&profile=backup");
            assertThat(s.endpoint()).isEmpty();
            assertThat(s.pathStyle()).isFalse();
            assertThat(s.prefix()).isEmpty();
            assertThat(s.partSize()).isEqualTo(16L << 20);
            assertThat(s.multipartThreshold()).isEqualTo(32L << 20);
            assertThat(s.maxConnections()).isEqualTo(10);
            assertThat(s.bufferBudget()).isEqualTo(512L << 20);
            assertThat(s.profile()).contains("backup");
        }

        @ParameterizedTest(name = "\"{0}\"")
        @ValueSource(strings = {"", "gs://b", "s3://", "s3://B", "s3://b", "s3://bucket?endpont=https://x",
            "s3://bucket?endpoint=ftp://x", "s3://bucket?path_style=maybe", "s3://bucket?part_size_mib=1",
            "s3://bucket?part_size_mib=x", "s3://bucket/../x", "s3://bucket//x", "s3://bucket?region=a&region=b",
            "s3://bucket?novalue", "file:"})
        @DisplayName("malformed or unsupported blob URIs are refused")
        void malformed(String uri) {
            assertThatThrownBy(() -> Stores.blobs(uri, BASE)).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
