package dev.strongroom.translog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strongroom.format.MalformedDataException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("Tiles (c2sp.org/tlog-tiles)")
class TileTest {
    static MemoryHashStore store;

    @BeforeAll
    static void build() {
        store = new MemoryHashStore();
        Random r = new Random(7);
        for (int i = 0; i < 70_000 + 300; i++) {
            byte[] e = new byte[1 + r.nextInt(20)];
            r.nextBytes(e);
            store.append(e);
        }
    }

    @Nested
    @DisplayName("paths")
    class Paths {
        @ParameterizedTest
        @CsvSource({
            // tlog-tiles: "index 1234067 will be encoded as x001/x234/067"
            "1234067, x001/x234/067",
            // golang/mod sumdb/tlog/tlog_test.go index encodings
            "123456078, x123/x456/078",
            "3057500, x003/x057/500",
            "0, 000", "5, 005", "999, 999", "1000, x001/000", "1001, x001/001", "999999, x999/999", "1000000, x001/x000/000",
            "9223372036854775807, x009/x223/x372/x036/x854/x775/807",
        })
        void index(long n, String want) {
            assertThat(Tile.indexPath(n)).isEqualTo(want);
            assertThat(Tile.hashes(0, n, 256).path()).isEqualTo("tile/0/" + want);
            assertThat(Tile.parse("tile/0/" + want)).isEqualTo(Tile.hashes(0, n, 256));
        }

        @Test
        void fullPartialAndBundles() {
            assertThat(Tile.hashes(1, 1234067, 256).path()).isEqualTo("tile/1/x001/x234/067");
            assertThat(Tile.hashes(1, 1234067, 5).path()).isEqualTo("tile/1/x001/x234/067.p/5");
            assertThat(Tile.entries(1234067, 255).path()).isEqualTo("tile/entries/x001/x234/067.p/255");
            assertThat(Tile.entries(3, 256).path()).isEqualTo("tile/entries/003");
            assertThat(Tile.hashes(63, 0, 1).path()).isEqualTo("tile/63/000.p/1");
            assertThat(Tile.parse("tile/entries/x001/x234/067.p/255")).isEqualTo(Tile.entries(1234067, 255));
            assertThat(Tile.parse("tile/2/000.p/1")).isEqualTo(Tile.hashes(2, 0, 1));
        }

        @Test
        @DisplayName("parse(path()) is the identity on random tiles")
        void roundTrip() {
            Random r = new Random(11);
            for (int i = 0; i < 5000; i++) {
                long n = switch (i % 3) {
                    case 0 -> r.nextInt(1000);
                    case 1 -> r.nextLong(10_000_000);
                    default -> r.nextLong(Long.MAX_VALUE);
                };
                int w = r.nextBoolean() ? 256 : 1 + r.nextInt(255);
                Tile t = r.nextInt(4) == 0 ? Tile.entries(n, w) : Tile.hashes(r.nextInt(64), n, w);
                assertThat(Tile.parse(t.path())).isEqualTo(t);
            }
        }

        @ParameterizedTest
        @ValueSource(strings = {
            "tile/5/123/456/078", // golang/mod: groups other than the last need an x
            "tile/3/5/x123/x456/078", // Go's old path with a tile height
            "tile/1/data/x003/x057/500",
            "tile/0/x000/067", "tile/0/x001/x000/067.p/5x", "tile/00/000", "tile/01/000", "tile/64/000", "tile/-1/000",
            "tile/0/000.p/0", "tile/0/000.p/256", "tile/0/000.p/005", "tile/0/000.p/", "tile/0/000.p/-1", "tile/0/000.P/5",
            "tile/0/1234", "tile/0/12", "tile/0/0000", "tile/0/x1234/000", "tile/0/x12/000", "tile/0/X001/000", "tile/0/000/",
            "tile/0//000", "/tile/0/000", "tile/0/000 ", "tile//000", "tile/000", "tile/", "tile", "", "Tile/0/000",
            "tile/entries/000.p/256", "tile/entry/000", "tile/0/x009/x223/x372/x036/x854/x775/808",
            "tile/0/x999/x999/x999/x999/x999/x999/x999/999", "tile/0/00a", "tile/0/+12",
        })
        void refusesMalformed(String path) {
            assertThatThrownBy(() -> Tile.parse(path)).isInstanceOf(MalformedDataException.class);
        }

        @Test
        void spans() {
            Tile t = Tile.hashes(1, 3, 256);
            assertThat(t.startLeaf()).isEqualTo(3L * 65536);
            assertThat(t.endLeaf()).isEqualTo(4L * 65536);
            assertThat(Tile.hashes(1, 3, 17).endLeaf()).isEqualTo(3L * 65536 + 17 * 256);
            assertThat(Tile.hashes(2, 5, 9).node(8)).isEqualTo(new Node(16, 5 * 256 + 8));
            assertThatThrownBy(() -> Tile.hashes(8, 1, 256).startLeaf()).isInstanceOf(ArithmeticException.class);
        }
    }

    @Nested
    @DisplayName("which tiles a tree has")
    class TreeTiles {
        @Test
        @DisplayName("70,000 leaves: 273 full + one 112-wide level-0 tiles, one full + one 17-wide level-1 tile, one 1-wide level-2 tile")
        void specExample() {
            List<Tile> tiles = Tiles.forTreeSize(70_000);
            List<Tile> want = new ArrayList<>();
            for (int n = 0; n < 273; n++) {
                want.add(Tile.hashes(0, n, 256));
            }
            want.add(Tile.hashes(0, 273, 112));
            want.add(Tile.hashes(1, 0, 256));
            want.add(Tile.hashes(1, 1, 17));
            want.add(Tile.hashes(2, 0, 1));
            assertThat(tiles).isEqualTo(want);
            assertThat(tiles.stream().map(Tile::path)).contains("tile/0/272", "tile/0/273.p/112", "tile/1/000", "tile/1/001.p/17", "tile/2/000.p/1");
        }

        @Test
        @DisplayName("256 leaves: a full level-0 tile and a 1-wide level-1 tile")
        void size256() {
            assertThat(Tiles.forTreeSize(256)).containsExactly(Tile.hashes(0, 0, 256), Tile.hashes(1, 0, 1));
            assertThat(Tiles.forTreeSize(0)).isEmpty();
            assertThat(Tiles.forTreeSize(1)).containsExactly(Tile.hashes(0, 0, 1));
            assertThat(Tiles.forTreeSize(65536)).hasSize(256 + 1 + 1).contains(Tile.hashes(1, 0, 256), Tile.hashes(2, 0, 1));
        }

        @Test
        @DisplayName("the largest tree: tiles up to level 7")
        void largest() {
            List<Tile> top = Tiles.newTiles(Long.MAX_VALUE - 1, Long.MAX_VALUE);
            assertThat(top).contains(Tile.hashes(0, (Long.MAX_VALUE >>> 8), 255));
            assertThat(Tiles.tile(7, 0, Long.MAX_VALUE)).isEqualTo(Tile.hashes(7, 0, 127));
        }

        @Test
        @DisplayName("newTiles(old, new) is exactly the tiles of new that old does not have")
        void newTilesIsSetDifference() {
            Random r = new Random(3);
            for (int k = 0; k < 400; k++) {
                long a = r.nextInt(k < 200 ? 1000 : 200_000);
                long b = a + r.nextInt(k % 2 == 0 ? 600 : 100_000);
                Set<Tile> want = new HashSet<>(Tiles.forTreeSize(b));
                want.removeAll(Tiles.forTreeSize(a));
                assertThat(new HashSet<>(Tiles.newTiles(a, b))).as("newTiles(%d, %d)", a, b).isEqualTo(want);
            }
            assertThat(Tiles.newTiles(1, 1)).isEmpty();
            assertThat(Tiles.newTiles(100, 101)).containsExactly(Tile.hashes(0, 0, 101));
            assertThat(Tiles.newTiles(255, 256)).containsExactly(Tile.hashes(0, 0, 256), Tile.hashes(1, 0, 1));
        }

        @Test
        void tileInTree() {
            assertThat(Tiles.tile(0, 272, 70_000)).isEqualTo(Tile.hashes(0, 272, 256));
            assertThat(Tiles.tile(0, 273, 70_000)).isEqualTo(Tile.hashes(0, 273, 112));
            assertThatThrownBy(() -> Tiles.tile(0, 274, 70_000)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> Tiles.tile(0, 1, 256)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> Tiles.tile(3, 0, 70_000)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Nested
    @DisplayName("tile content")
    class Content {
        @Test
        @DisplayName("level 0 holds leaf hashes; level l holds the MTH of each full tile below")
        void levels() {
            byte[] l0 = Tiles.content(Tile.hashes(0, 5, 256), store);
            for (int i = 0; i < 256; i++) {
                assertThat(Arrays.copyOfRange(l0, 32 * i, 32 * i + 32)).isEqualTo(store.readHash(Node.leaf(5 * 256 + i)).bytes());
            }
            List<Hash> l1 = Tiles.hashes(Tile.hashes(1, 1, 17), Tiles.content(Tile.hashes(1, 1, 17), store));
            for (int i = 0; i < 17; i++) {
                Tile below = Tile.hashes(0, 256 + i, 256);
                Hash mth = Merkle.rootOfLeafHashes(Tiles.hashes(below, Tiles.content(below, store)));
                assertThat(l1.get(i)).as("level-1 hash %d", i).isEqualTo(mth);
            }
            // The level-2 tile of a 70,000 tree: the MTH of the 65,536 leaves of the full level-1 tile.
            List<Hash> l2 = Tiles.hashes(Tile.hashes(2, 0, 1), Tiles.content(Tile.hashes(2, 0, 1), store));
            assertThat(l2.getFirst()).isEqualTo(store.root(65_536));
        }

        @Test
        @DisplayName("a partial tile is byte for byte a prefix of the full tile it becomes")
        void partialIsPrefix() {
            byte[] partial = Tiles.content(Tile.hashes(0, 273, 112), store);
            byte[] full = Tiles.content(Tile.hashes(0, 273, 256), store);
            assertThat(partial).hasSize(112 * 32).isEqualTo(Arrays.copyOf(full, 112 * 32));
            byte[] p17 = Tiles.content(Tile.hashes(1, 1, 17), store);
            byte[] p1 = Tiles.content(Tile.hashes(1, 1, 1), store);
            assertThat(p1).isEqualTo(Arrays.copyOf(p17, 32));
        }

        @Test
        void wrongLength() {
            assertThatThrownBy(() -> Tiles.hashes(Tile.hashes(0, 0, 3), new byte[95])).isInstanceOf(MalformedDataException.class);
            assertThatThrownBy(() -> Tiles.hashes(Tile.hashes(0, 0, 3), new byte[97])).isInstanceOf(MalformedDataException.class);
            assertThat(Tiles.hashes(Tile.hashes(0, 0, 3), new byte[96])).hasSize(3);
        }
    }

    @Nested
    @DisplayName("entry bundles")
    class Bundles {
        @Test
        void roundTrip() {
            List<byte[]> entries = List.of(new byte[0], new byte[] {1, 2, 3}, new byte[65_535], new byte[256]);
            byte[] b = EntryBundle.encode(entries);
            assertThat(b).hasSize(2 + 2 + 3 + 2 + 65_535 + 2 + 256);
            assertThat(Arrays.copyOf(b, 7)).isEqualTo(new byte[] {0, 0, 0, 3, 1, 2, 3});
            assertThat(b[7]).isEqualTo((byte) 0xFF);
            assertThat(b[8]).isEqualTo((byte) 0xFF);
            List<byte[]> back = EntryBundle.decode(b, 4);
            for (int i = 0; i < 4; i++) {
                assertThat(back.get(i)).isEqualTo(entries.get(i));
            }
        }

        @Test
        void refusals() {
            assertThatThrownBy(() -> EntryBundle.encode(List.of(new byte[65_536]))).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> EntryBundle.encode(List.of())).isInstanceOf(IllegalArgumentException.class);
            byte[] b = EntryBundle.encode(List.of(new byte[] {9, 9}, new byte[] {7}));
            for (int cut = 0; cut < b.length; cut++) {
                byte[] c = Arrays.copyOf(b, cut);
                assertThatThrownBy(() -> EntryBundle.decode(c, 2)).as("cut at %d", cut).isInstanceOf(MalformedDataException.class);
            }
            byte[] extra = Arrays.copyOf(b, b.length + 1);
            assertThatThrownBy(() -> EntryBundle.decode(extra, 2)).isInstanceOf(MalformedDataException.class);
            assertThatThrownBy(() -> EntryBundle.decode(b, 1)).hasMessageContaining("trailing");
            assertThatThrownBy(() -> EntryBundle.decode(b, 3)).hasMessageContaining("holds 2");
        }
    }
}
