package dev.speglar.installer.detect;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.speglar.installer.CliRun;
import dev.speglar.installer.ExitCode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Verdicts rest on evidence that tells platforms apart: on-premises hypervisors next to the clouds that share their
 * DMI strings (Hyper-V/Azure, Xen/older EC2, KVM), and immutable OSes whose containerd is configured only through
 * their own settings. Fixtures under src/test/resources/hosts.
 */
class DiscriminatingEvidenceTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode detect(String fixture) throws Exception {
        CliRun run = CliRun.of(
                "detect",
                "--host-root",
                DetectFixturesTest.HOSTS.resolve(fixture).toString(),
                "-o",
                "json");
        return JSON.readTree(run.out());
    }

    private static List<String> observed(JsonNode report, String indicates) {
        List<String> out = new ArrayList<>();
        for (JsonNode s : report.get("evidence")) {
            JsonNode i = s.get("indicates");
            boolean match = indicates == null ? i == null || i.isNull() : i != null && indicates.equals(i.asText());
            if (match) {
                out.add(s.get("observed").asText());
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "hyperv-onprem|Hyper-V virtual machine (no Azure asset tag, waagent or /var/lib/waagent: not Azure)",
                "vmware-onprem|VMware virtual machine (VMware7,1)",
                "proxmox-kvm|KVM/QEMU virtual machine (Standard PC (Q35 + ICH9, 2009); Proxmox, libvirt or OpenStack)",
                "xen-onprem|Xen virtual machine (HVM domU, not an EC2 BIOS)"
            })
    void onPremisesHypervisorsAreFactsNotClouds(String fixture, String fact) throws Exception {
        JsonNode r = detect(fixture);

        assertThat(r.get("platform").asText()).isEqualTo("generic");
        assertThat(observed(r, null)).contains(fact).noneMatch(o -> o.contains("cloud:"));
        assertThat(observed(r, "aks")).isEmpty();
        assertThat(observed(r, "gke")).isEmpty();
    }

    @Test
    void azureIsToldFromHyperVByAssetTagAndAgent() throws Exception {
        JsonNode azure = detect("azure-vm-kubeadm");

        assertThat(observed(azure, "aks"))
                .containsExactlyInAnyOrder(
                        "7783-7084-3265-9085-8269-3286-77 (cloud: azure)", "Azure Linux agent (cloud: azure)");
        assertThat(observed(azure, null)).noneMatch(o -> o.contains("Hyper-V"));
    }

    @Test
    void ec2XenInstanceIsAwsNotOnPremisesXen() throws Exception {
        JsonNode r = detect("ec2-xen");

        assertThat(observed(r, null))
                .contains("Xen 4.11.amazon (cloud: aws, Xen instance type)")
                .noneMatch(o -> o.startsWith("Xen virtual machine"));
    }

    @Test
    void immutableOsWithoutVisibleContainerdGetsTheExactRenderCommand() throws Exception {
        JsonNode bottlerocket = detect("bottlerocket-settings-only");
        JsonNode talos = detect("talos-no-shell");

        assertThat(bottlerocket.get("verdict").asText()).isEqualTo("pre-boot-only");
        assertThat(bottlerocket.get("reasons").toString())
                .contains(
                        "speglar render bottlerocket --file settings.toml > speglar-settings.toml",
                        "speglar render daemonset --no-mirror-add")
                .doesNotContain("mount the host");
        assertThat(talos.get("reasons").toString())
                .contains("speglar render talos --talos-version v1.11.2 -o"
                        + " speglar-talos && talosctl patch machineconfig --patch @speglar-talos/talos-patch.yaml");
    }

    @Test
    void badAllowUnsupportedPlatformValueIsAUsageError() {
        CliRun bad = CliRun.of(
                "detect",
                "--host-root",
                DetectFixturesTest.HOSTS.resolve("gke-ubuntu").toString(),
                "--allow-unsupported-platform=gkee");
        CliRun good = CliRun.of(
                "detect",
                "--host-root",
                DetectFixturesTest.HOSTS.resolve("gke-ubuntu").toString(),
                "--allow-unsupported-platform=gke");

        assertThat(bad.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(bad.err()).contains("unknown platform 'gkee'", "gke", "digitalocean");
        assertThat(good.exitCode()).isEqualTo(ExitCode.OK);
    }
}
