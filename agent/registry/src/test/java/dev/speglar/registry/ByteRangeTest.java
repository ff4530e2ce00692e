package dev.speglar.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The range vectors of the behaviour spec (size 1000), and the refusals. */
class ByteRangeTest {

    @ParameterizedTest(name = "{0} of 1000 -> {1}")
    @CsvSource({
        "bytes=0-0, bytes 0-0/1000, 1",
        "bytes=500-, bytes 500-999/1000, 500",
        "bytes=-100, bytes 900-999/1000, 100",
        "bytes=-2000, bytes 0-999/1000, 1000",
        "bytes=0-5000, bytes 0-999/1000, 1000",
        "bytes=999-, bytes 999-999/1000, 1",
    })
    void resolvesAgainstSize(String header, String contentRange, long length) {
        ByteRange.Resolved r = ByteRange.parse(header).orElseThrow().resolve(1000);
        assertThat(r.contentRange()).isEqualTo(contentRange);
        assertThat(r.length()).isEqualTo(length);
        assertThat(ByteRange.parse(header).orElseThrow().toHeader()).isEqualTo(header);
    }

    @ParameterizedTest(name = "{0} is refused")
    @CsvSource(
            delimiter = '|',
            value = {
                "items=0-1|invalid range unit",
                "bytes=0-1,3-4|multiple ranges are not supported",
                "bytes=5|invalid range format",
                "bytes=-|invalid range format",
                "bytes=a-b|invalid range number",
                "bytes=100-50|range start 100 is larger than end 50",
                "bytes=-0|suffix range must be at least one byte",
            })
    void malformed(String header, String message) {
        assertThatThrownBy(() -> ByteRange.parse(header))
                .isInstanceOf(InvalidRangeException.class)
                .hasMessage(message);
    }

    @ParameterizedTest(name = "{0} of 1000 is unsatisfiable")
    @CsvSource({"bytes=1000-", "bytes=5000-6000"})
    void unsatisfiable(String header) {
        ByteRange r = ByteRange.parse(header).orElseThrow();
        assertThatThrownBy(() -> r.resolve(1000)).isInstanceOf(InvalidRangeException.class);
        assertThatThrownBy(() -> r.resolve(0)).isInstanceOf(InvalidRangeException.class);
    }
}
