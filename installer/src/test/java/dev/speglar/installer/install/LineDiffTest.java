package dev.speglar.installer.install;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LineDiffTest {

    @Test
    void showsOnlyChangedLines() {
        assertThat(LineDiff.diff("a\nb\nc\n", "a\nB\nc\nd\n")).isEqualTo("  - b\n  + B\n  + d\n");
        assertThat(LineDiff.diff("", "x\n")).isEqualTo("  + x\n");
        assertThat(LineDiff.diff("same\n", "same\n")).isEmpty();
    }
}
