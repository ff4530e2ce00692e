package dev.speglar.installer.install;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The doctor repeats what the agent reports about containerd on /readyz?verbose. */
class DoctorFindingsTest {
    @Test
    void agentFindingsFailTheDoctorWithTheAgentsWords() {
        Doctor.Check c = Doctor.findings(
                "agent findings",
                "[+]ready ok\n[!]config_path: containerd is misconfigured: x\n" + "[!]discard_unpacked_layers: y\n");
        assertThat(c.status()).isEqualTo(Doctor.Status.FAIL);
        assertThat(c.detail()).isEqualTo("config_path: containerd is misconfigured: x; discard_unpacked_layers: y");
        assertThat(Doctor.findings("agent findings", "[+]ready ok\n").status()).isEqualTo(Doctor.Status.OK);
        assertThat(Doctor.findings("agent findings", "").status()).isEqualTo(Doctor.Status.OK);
    }
}
