package dev.speglar.containerd.cri;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CriConfigCheckTest {
    static final Path CERTS = Path.of("/etc/containerd/certs.d");

    private static Map<String, String> info(String discard, String configPath) {
        return Map.of(
                "config",
                "{\"containerd\":{\"snapshotter\":\"overlayfs\""
                        + (discard == null ? "" : ",\"discardUnpackedLayers\":" + discard) + "},\"registry\":{"
                        + (configPath == null ? "" : "\"configPath\":" + configPath) + "}}");
    }

    @Test
    void okWhenPathIsSetAndLayersAreKept() {
        assertThat(CriConfigCheck.evaluate(info("false", "\"/etc/containerd/certs.d\""), CERTS))
                .isEqualTo(new CriConfigCheck.Result.Ok("/etc/containerd/certs.d"));
        // A path list containing the mirror directory is fine; so is any path when the caller does not care.
        assertThat(CriConfigCheck.evaluate(info("false", "\"/etc/docker/certs.d:/etc/containerd/certs.d/\""), CERTS))
                .isInstanceOf(CriConfigCheck.Result.Ok.class);
        assertThat(CriConfigCheck.evaluate(info("false", "\"/x\""), null)).isInstanceOf(CriConfigCheck.Result.Ok.class);
    }

    @Test
    void discardedLayersAreMisconfiguredFirst() {
        var r = CriConfigCheck.evaluate(info("true", "\"\""), CERTS);
        assertThat(r).isInstanceOfSatisfying(CriConfigCheck.Result.Misconfigured.class, m -> {
            assertThat(m.setting()).isEqualTo(CriConfigCheck.DISCARD_SETTING);
            assertThat(m.fix()).isEqualTo("set " + CriConfigCheck.DISCARD_SETTING + " = false");
        });
    }

    @Test
    void emptyOrForeignConfigPathIsMisconfigured() {
        assertThat(CriConfigCheck.evaluate(info("false", "\"\""), CERTS))
                .isInstanceOfSatisfying(CriConfigCheck.Result.Misconfigured.class, m -> {
                    assertThat(m.setting()).isEqualTo(CriConfigCheck.CONFIG_PATH_SETTING);
                    assertThat(m.problem()).contains("not set");
                    assertThat(m.fix()).contains("\"/etc/containerd/certs.d\"");
                });
        assertThat(CriConfigCheck.evaluate(info("false", "\"/other\""), CERTS))
                .isInstanceOfSatisfying(
                        CriConfigCheck.Result.Misconfigured.class,
                        m -> assertThat(m.message())
                                .contains("is \"/other\" but must contain /etc/containerd/certs.d"));
    }

    @Test
    void missingFieldsOrConfigAreUnverifiable() {
        assertThat(CriConfigCheck.evaluate(Map.of(), CERTS)).isInstanceOf(CriConfigCheck.Result.Unverifiable.class);
        assertThat(CriConfigCheck.evaluate(Map.of("config", "{oops"), CERTS))
                .isInstanceOf(CriConfigCheck.Result.Unverifiable.class);
        assertThat(CriConfigCheck.evaluate(info(null, "\"/x\""), CERTS))
                .isInstanceOf(CriConfigCheck.Result.Unverifiable.class);
        assertThat(CriConfigCheck.evaluate(info("false", null), CERTS))
                .isInstanceOf(CriConfigCheck.Result.Unverifiable.class);
    }
}
