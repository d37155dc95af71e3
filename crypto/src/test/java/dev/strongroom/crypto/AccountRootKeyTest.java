package dev.strongroom.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strongroom.format.Digest;
import dev.strongroom.format.Encoder;
import dev.strongroom.format.IntegrityException;
import dev.strongroom.format.MalformedDataException;
import dev.strongroom.format.Sha256;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("AccountRootKey")
class AccountRootKeyTest {
    private static Digest commitmentFor(long epoch, byte[] key) {
        return Sha256.labelled("strongroom/ark-commit", new Encoder().u32(epoch).raw(key).toBytes());
    }

    @Test
    @DisplayName("the commitment is SHA-256(label || u32 epoch || key), distinct per key and per epoch")
    void commitment() {
        AccountRootKey a = AccountRootKey.generate(4);
        byte[] k = a.exportForWrap();
        assertThat(a.commitment()).isEqualTo(commitmentFor(4, k));
        assertThat(a.commitment()).isNotEqualTo(commitmentFor(5, k));
        assertThat(AccountRootKey.generate(4).commitment()).isNotEqualTo(a.commitment());
    }

    @Test
    @DisplayName("fromUnwrapped accepts the key its commitment names and refuses any other")
    void fromUnwrapped() {
        AccountRootKey a = AccountRootKey.generate(2);
        byte[] k = a.exportForWrap();
        AccountRootKey back = AccountRootKey.fromUnwrapped(2, k, a.commitment());
        assertThat(back.epoch()).isEqualTo(2);
        assertThat(back.exportForWrap()).isEqualTo(k);
        assertThatThrownBy(() -> AccountRootKey.fromUnwrapped(2, TestBytes.flipBit(k, 0), a.commitment()))
                .isInstanceOf(IntegrityException.class).hasMessageContaining("does not match the commitment");
        assertThatThrownBy(() -> AccountRootKey.fromUnwrapped(3, k, a.commitment()))
                .isInstanceOf(IntegrityException.class);
        assertThatThrownBy(() -> a.checkCommitment(AccountRootKey.generate(2).commitment()))
                .isInstanceOf(IntegrityException.class);
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {0, 31, 33})
    @DisplayName("an unwrapped root key that is not 32 bytes is malformed")
    void length(int n) {
        assertThatThrownBy(() -> AccountRootKey.fromUnwrapped(1, new byte[n], AccountRootKey.generate(1).commitment()))
                .isInstanceOf(MalformedDataException.class);
    }

    @ParameterizedTest(name = "epoch {0}")
    @ValueSource(longs = {0, -1})
    @DisplayName("epochs start at 1")
    void epochs(long epoch) {
        assertThatThrownBy(() -> AccountRootKey.generate(epoch)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @DisplayName("close destroys the key; toString names only the epoch")
    void close() {
        AccountRootKey a = AccountRootKey.generate(9);
        assertThat(a.toString()).isEqualTo("AccountRootKey[epoch 9]");
        a.close();
        assertThat(a.key().isDestroyed()).isTrue();
        assertThatThrownBy(a::exportForWrap).isInstanceOf(IllegalStateException.class);
    }
}
