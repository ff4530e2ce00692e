package dev.speglar.registry.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ReferenceFiltersTest {

    @Test
    void allowListKeepsListedRegistriesWithPort() {
        List<ReferenceFilter> f = ReferenceFilters.fromFlags(
                List.of("https://docker.io", "http://10.0.0.1:5000", "http://[::1]:8080"), List.of());
        assertThat(f).hasSize(1);
        assertThat(ReferenceFilters.excluded(f, "docker.io", "library/a", "1")).isFalse();
        assertThat(ReferenceFilters.excluded(f, "10.0.0.1:5000", "a", "1")).isFalse();
        assertThat(ReferenceFilters.excluded(f, "[::1]:8080", "a", "1")).isFalse();
        assertThat(ReferenceFilters.excluded(f, "10.0.0.1", "a", "1")).isTrue();
        assertThat(ReferenceFilters.excluded(f, "quay.io", "a", null)).isTrue();
        assertThat(ReferenceFilters.excluded(f, "", "a", null)).isFalse();
    }

    @Test
    void wildcardOrEmptyListDisablesTheAllowList() {
        assertThat(RegistryAllowList.parse(List.of())).isEmpty();
        assertThat(RegistryAllowList.parse(List.of("https://docker.io", "_default")))
                .isEmpty();
        assertThat(RegistryAllowList.parse(List.of("*"))).isEmpty();
        assertThatThrownBy(() -> RegistryAllowList.parse(List.of("*", "_default")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void malformedRegistryUrlsAreRejected() {
        for (String bad : List.of(
                "docker.io",
                "ftp://x.io",
                "https://x.io/path",
                "https://u:p@x.io",
                "https://x.io?q=1",
                "https://",
                "http://bad host")) {
            assertThatThrownBy(() -> RegistryAllowList.parse(List.of(bad)))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void regexMatchesNameAndTagButNeverTheDigest() {
        RegexFilter latest = new RegexFilter(":latest$");
        assertThat(latest.excludes("docker.io", "library/a", "latest")).isTrue();
        assertThat(latest.excludes("docker.io", "library/a", "latest-1")).isFalse();
        assertThat(latest.excludes("docker.io", "library/a", null)).isFalse();
        assertThat(new RegexFilter("^ghcr\\.io/private/").excludes("ghcr.io", "private/x", null))
                .isTrue();
        assertThat(new RegexFilter("private").excludes("ghcr.io", "public/x", "1"))
                .isFalse();
        assertThatThrownBy(() -> new RegexFilter("("))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("invalid registry filter (");
    }
}
