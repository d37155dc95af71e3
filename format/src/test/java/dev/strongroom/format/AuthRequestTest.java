package dev.strongroom.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("AuthRequest (bytes a device signs for a session token)")
class AuthRequestTest {
    private static final byte[] SERVER_KEY = Raw.seq(32, 0xC0);
    private static final byte[] NONCE = Raw.seq(32, 0x11);

    @Test
    @DisplayName("layout: label || u16 origin || server_key || account || device || u16 nonce || i64 time_ms")
    void layout() {
        byte[] m = AuthRequest.message("https://vault.example:8443", SERVER_KEY, Fixtures.ACCOUNT, Fixtures.AUTHOR,
                NONCE, 1_700_000_000_123L);
        assertThat(m).isEqualTo(Raw.of().label("strongroom/auth-request", 1).str16("https://vault.example:8443")
                .bytes(SERVER_KEY).bytes(Fixtures.ACCOUNT.bytes()).bytes(Fixtures.AUTHOR.bytes()).u16(32).bytes(NONCE)
                .u64(1_700_000_000_123L).build());
    }

    @Test
    @DisplayName("every field changes the message (a signature binds origin, server key, account, device, nonce, time)")
    void bindsEveryField() {
        byte[] base = AuthRequest.message("o", SERVER_KEY, Fixtures.ACCOUNT, Fixtures.AUTHOR, NONCE, 1);
        assertThat(AuthRequest.message("p", SERVER_KEY, Fixtures.ACCOUNT, Fixtures.AUTHOR, NONCE, 1)).isNotEqualTo(base);
        assertThat(AuthRequest.message("o", Raw.flip(SERVER_KEY, 0, 1), Fixtures.ACCOUNT, Fixtures.AUTHOR, NONCE, 1))
                .isNotEqualTo(base);
        assertThat(AuthRequest.message("o", SERVER_KEY, new AccountId(Raw.seq(32, 2)), Fixtures.AUTHOR, NONCE, 1))
                .isNotEqualTo(base);
        assertThat(AuthRequest.message("o", SERVER_KEY, Fixtures.ACCOUNT, new DeviceId(Raw.seq(32, 2)), NONCE, 1))
                .isNotEqualTo(base);
        assertThat(AuthRequest.message("o", SERVER_KEY, Fixtures.ACCOUNT, Fixtures.AUTHOR, Raw.flip(NONCE, 31, 1), 1))
                .isNotEqualTo(base);
        assertThat(AuthRequest.message("o", SERVER_KEY, Fixtures.ACCOUNT, Fixtures.AUTHOR, NONCE, 2)).isNotEqualTo(base);
    }

    @Test
    @DisplayName("fields out of range are refused")
    void outOfRange() {
        assertThatThrownBy(() -> AuthRequest.message("", SERVER_KEY, Fixtures.ACCOUNT, Fixtures.AUTHOR, NONCE, 1))
                .isInstanceOf(MalformedDataException.class).hasMessageContaining("out of range");
        assertThatThrownBy(() -> AuthRequest.message("o".repeat(256), SERVER_KEY, Fixtures.ACCOUNT, Fixtures.AUTHOR,
                NONCE, 1)).isInstanceOf(MalformedDataException.class);
        assertThat(AuthRequest.message("o".repeat(255), SERVER_KEY, Fixtures.ACCOUNT, Fixtures.AUTHOR, NONCE, 1))
                .isNotEmpty();
        assertThatThrownBy(() -> AuthRequest.message("o", new byte[31], Fixtures.ACCOUNT, Fixtures.AUTHOR, NONCE, 1))
                .isInstanceOf(MalformedDataException.class);
        assertThatThrownBy(() -> AuthRequest.message("o", SERVER_KEY, Fixtures.ACCOUNT, Fixtures.AUTHOR, new byte[33], 1))
                .isInstanceOf(MalformedDataException.class);
    }
}
