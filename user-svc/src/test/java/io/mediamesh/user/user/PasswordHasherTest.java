package io.mediamesh.user.user;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("fast")
class PasswordHasherTest {
    private final PasswordHasher hasher = new PasswordHasher(19456, 2, 1);

    @Test
    void hashesAreSaltedArgon2idAndVerify() {
        String first = hasher.hash("correct horse battery");
        String second = hasher.hash("correct horse battery");
        assertThat(first).startsWith("$argon2id$v=19$m=19456,t=2,p=1$").isNotEqualTo(second);
        assertThat(first).doesNotContain("correct horse");
        assertThat(hasher.verify("correct horse battery", first)).isTrue();
        assertThat(hasher.verify("correct horse batterY", first)).isFalse();
        assertThat(hasher.verify("correct horse battery", "$bcrypt$whatever")).isFalse();
    }

    @Test
    void aHashKeepsItsOwnCostWhenTheConfiguredCostChanges() {
        String cheap = new PasswordHasher(1024, 1, 1).hash("password12");
        assertThat(hasher.verify("password12", cheap)).isTrue();
    }
}
