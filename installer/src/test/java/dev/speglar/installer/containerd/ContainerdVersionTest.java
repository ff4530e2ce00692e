package dev.speglar.installer.containerd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ContainerdVersionTest {

    @Test
    void parsesDebianUpstreamAndK3sOutput() {
        assertThat(ContainerdVersion.parse(
                        "containerd github.com/containerd/containerd 1.6.20~ds1 1.6.20~ds1-1+deb12u3\n"))
                .isEqualTo(new ContainerdVersion(1, 6, 20));
        assertThat(ContainerdVersion.parse("containerd github.com/containerd/containerd/v2 v2.1.4 75cb2b7"))
                .isEqualTo(new ContainerdVersion(2, 1, 4));
        assertThat(ContainerdVersion.parse("containerd containerd.io 1.7.27 05044ec"))
                .isEqualTo(new ContainerdVersion(1, 7, 27));
        assertThat(ContainerdVersion.parse("v1.7.23-k3s1")).isEqualTo(new ContainerdVersion(1, 7, 23));
        assertThat(ContainerdVersion.parse("2.2")).isEqualTo(new ContainerdVersion(2, 2, 0));
    }

    @Test
    void versionDecidesSchemaAndTraps() {
        ContainerdVersion v16 = ContainerdVersion.parse("1.6.20");
        assertThat(v16.schema()).isEqualTo(2);
        assertThat(v16.importsReplacePluginTables()).isTrue();
        assertThat(v16.hasTransferServicePull()).isFalse();
        ContainerdVersion v20 = ContainerdVersion.parse("2.0.5");
        assertThat(v20.schema()).isEqualTo(3);
        assertThat(v20.importsReplacePluginTables()).isFalse();
        assertThat(v20.hasTransferServicePull()).isFalse();
        assertThat(ContainerdVersion.parse("2.1.0").hasTransferServicePull()).isTrue();
        assertThat(ContainerdVersion.parse("2.3.4").schema()).isEqualTo(3);
    }

    @Test
    void rejectsGarbage() {
        assertThatThrownBy(() -> ContainerdVersion.parse("containerd is great"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot parse");
        assertThatThrownBy(() -> ContainerdVersion.parse("")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void debianEpochsAndOneSchemaRule() {
        assertThat(ContainerdVersion.parse("1:1.7.24~ds1-1")).isEqualTo(new ContainerdVersion(1, 7, 24));
        assertThat(ContainerdVersion.parse("containerd github.com/containerd/containerd 1:1.6.20~ds1-1 abc"))
                .isEqualTo(new ContainerdVersion(1, 6, 20));
        for (String v : new String[] {"1.6.20", "1.7.27", "2.0.5", "2.2.1", "2.3.4", "2.4.0"}) {
            ContainerdVersion cv = ContainerdVersion.parse(v);
            // What the installer writes is always something this release reads.
            assertThat(cv.schema()).isLessThanOrEqualTo(cv.maxConfigSchema()).isEqualTo(cv.major() < 2 ? 2 : 3);
        }
        assertThat(ContainerdVersion.parse("2.3.4").maxConfigSchema()).isEqualTo(4);
    }
}
