package io.mediamesh.media.playback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.StatusRuntimeException;
import io.mediamesh.common.error.ErrorCatalog;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Range parsing and planning per RFC 9110, section 14: pure logic, no server. */
@Tag("fast")
class FileSliceTest {
    private static final long SIZE = 1000;

    private static FileSlice plan(String range) {
        return FileSlice.plan(SIZE, ByteRange.parse(range), false);
    }

    @Test
    void noRangeIsTheWholeFile() {
        assertThat(FileSlice.plan(SIZE, Optional.empty(), false)).isEqualTo(new FileSlice(0, SIZE, false));
    }

    @Test
    void boundedOpenAndSuffixRanges() {
        assertThat(plan("bytes=0-0")).isEqualTo(new FileSlice(0, 1, true));
        assertThat(plan("bytes=100-")).isEqualTo(new FileSlice(100, 900, true));
        assertThat(plan("bytes=-10")).isEqualTo(new FileSlice(990, 10, true));
        assertThat(plan("bytes=-5000")).isEqualTo(new FileSlice(0, SIZE, true));
        assertThat(plan("bytes=990-5000")).isEqualTo(new FileSlice(990, 10, true));
        assertThat(plan(" BYTES = 5 - 9 ")).isEqualTo(new FileSlice(5, 5, true));
        assertThat(plan("bytes=5-9").contentRange(SIZE)).isEqualTo("bytes 5-9/1000");
    }

    @ParameterizedTest
    @ValueSource(strings = { "bytes=abc", "bytes=5-2", "bytes=", "items=0-1", "bytes 0-1", "bytes=0-1,5-6",
                             "bytes=--1", "bytes=99999999999999999999-" })
    void whatIsNotOneWellFormedRangeIsIgnored(String range) {
        assertThat(ByteRange.parse(range)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = { "bytes=1000-", "bytes=1000-2000", "bytes=-0" })
    void aRangeWithNoByteOfTheFileIsUnsatisfiableAndNamesTheSize(String range) {
        assertThatThrownBy(() -> plan(range))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(ErrorCatalog.errorInfoOf(e).orElseThrow().getReason()).isEqualTo("RANGE_NOT_SATISFIABLE");
                    assertThat(ErrorCatalog.errorInfoOf(e).orElseThrow().getMetadataMap())
                            .containsEntry(FileSlice.SIZE_METADATA, "1000");
                });
    }

    @Test
    void aVoidedRangeSendsTheWholeFile() {
        assertThat(FileSlice.plan(SIZE, ByteRange.parse("bytes=0-9"), true)).isEqualTo(new FileSlice(0, SIZE, false));
    }
}
