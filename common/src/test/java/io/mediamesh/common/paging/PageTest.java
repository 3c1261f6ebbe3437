package io.mediamesh.common.paging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mediamesh.common.error.MediameshException;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("fast")
class PageTest {
    @Test
    void cursorsRoundTripAndOnlyWhenMoreRowsExist() {
        Page first = Page.of(2, "");
        assertThat(first.before()).isEqualTo(Long.MAX_VALUE);
        assertThat(first.fetchSize()).isEqualTo(3);
        Page.Result<Long> result = first.result(List.of(9L, 8L, 7L), id -> id);
        assertThat(result.rows()).containsExactly(9L, 8L);
        assertThat(Page.of(2, result.nextCursor()).before()).isEqualTo(8L);
        assertThat(first.result(List.of(9L, 8L), id -> id).nextCursor()).isEmpty();
        assertThat(Page.of(0, "").limit()).isEqualTo(Page.DEFAULT_LIMIT);
    }

    @Test
    void foreignCursorsAndLimitsAreRejected() {
        for (String cursor : List.of("abc", "!!", "aWQ6LTE", "aWQ6eA")) {
            assertThatThrownBy(() -> Page.of(5, cursor)).isInstanceOf(MediameshException.class);
        }
        assertThatThrownBy(() -> Page.of(101, "")).isInstanceOf(MediameshException.class);
        assertThatThrownBy(() -> Page.of(-1, "")).isInstanceOf(MediameshException.class);
    }

    @Test
    void aMethodMayNameItsOwnLimits() {
        assertThat(Page.of(0, "", 100, 500).limit()).isEqualTo(100);
        assertThat(Page.of(500, "", 100, 500).limit()).isEqualTo(500);
        assertThatThrownBy(() -> Page.of(501, "", 100, 500)).isInstanceOf(MediameshException.class);
    }
}
