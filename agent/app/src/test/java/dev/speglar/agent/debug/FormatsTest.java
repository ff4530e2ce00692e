package dev.speglar.agent.debug;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class FormatsTest {
    @Test
    void durationsUseAtMostTwoAdjacentUnits() {
        assertThat(Formats.duration(Duration.ofNanos(999_999))).isEqualTo("<1ms");
        assertThat(Formats.duration(Duration.ofMillis(1))).isEqualTo("1ms");
        assertThat(Formats.duration(Duration.ofMillis(1500))).isEqualTo("1s 500ms");
        assertThat(Formats.duration(Duration.ofSeconds(65))).isEqualTo("1m 5s");
        assertThat(Formats.duration(Duration.ofHours(1).plusSeconds(5))).isEqualTo("1h");
        assertThat(Formats.duration(Duration.ofDays(2).plusHours(3).plusMinutes(4)))
                .isEqualTo("2d 3h");
    }

    @Test
    void sizesAre1024Based() {
        assertThat(Formats.bytes(0)).isEqualTo("0 B");
        assertThat(Formats.bytes(1023)).isEqualTo("1023 B");
        assertThat(Formats.bytes(1536)).isEqualTo("1.5 KB");
        assertThat(Formats.bytes(10L * 1024 * 1024)).isEqualTo("10.0 MB");
        assertThat(Formats.bytes(3L << 30)).isEqualTo("3.0 GB");
    }

    @Test
    void htmlEscapesEverythingMarkupCanUse() {
        assertThat(Html.text("<a href=\"x\" title='y'>&</a>"))
                .isEqualTo("&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
        assertThat(Html.error("<b>")).isEqualTo("<p class=\"error\">&lt;b&gt;</p>\n");
    }
}
