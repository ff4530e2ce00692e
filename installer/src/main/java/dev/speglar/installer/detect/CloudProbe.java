package dev.speglar.installer.detect;

import static dev.speglar.installer.detect.Platform.AKS;
import static dev.speglar.installer.detect.Platform.DIGITALOCEAN;
import static dev.speglar.installer.detect.Platform.GKE;
import static dev.speglar.installer.detect.Platform.K3S;
import static dev.speglar.installer.detect.Platform.KIND;
import static dev.speglar.installer.detect.Platform.MICROK8S;
import static dev.speglar.installer.detect.Platform.MINIKUBE;
import static dev.speglar.installer.detect.Platform.RKE2;
import static dev.speglar.installer.detect.Trust.HIGH;
import static dev.speglar.installer.detect.Trust.LOW;
import static dev.speglar.installer.detect.Trust.MEDIUM;

import java.util.ArrayList;
import java.util.List;

/**
 * Signals about the machine and the cluster rather than the distribution: DMI (cloud vendor; kind fakes
 * product_name) and the kubelet's provider ID and node labels. A cloud alone says little about the distribution,
 * so most of these are MEDIUM; inside a container DMI describes the host and is not counted.
 */
final class CloudProbe {
    private static final String AZURE_ASSET_TAG = "7783-7084-3265-9085-8269-3286-77";

    private CloudProbe() {}

    static List<Signal> dmi(HostRoot host, boolean inContainer) {
        List<Signal> signals = new ArrayList<>();
        String dir = "/sys/class/dmi/id/";
        String vendor = host.readQuietly(dir + "sys_vendor").orElse("");
        String product = host.readQuietly(dir + "product_name").orElse("");
        String asset = host.readQuietly(dir + "chassis_asset_tag").orElse("");
        String bios = host.readQuietly(dir + "bios_version").orElse("");
        if (product.equals("kind")) {
            signals.add(Signal.of(dir + "product_name", "kind (faked by kind's entrypoint)", KIND, HIGH));
        }
        List<Signal> cloud = new ArrayList<>();
        if (vendor.equals("Amazon EC2")) {
            cloud.add(Signal.fact(dir + "sys_vendor", "Amazon EC2 (cloud: aws)", HIGH));
        } else if (vendor.equals("Xen") && bios.contains("amazon")) {
            // Older EC2 instance types run on Xen: the DMI vendor is Xen's, the BIOS version names Amazon.
            cloud.add(Signal.fact(dir + "bios_version", "Xen " + bios + " (cloud: aws, Xen instance type)", HIGH));
        }
        if (vendor.startsWith("Google") || product.startsWith("Google")) {
            cloud.add(Signal.of(dir + "product_name", product + " (cloud: gce)", GKE, MEDIUM));
        }
        if (vendor.equals("DigitalOcean")) {
            cloud.add(Signal.of(dir + "sys_vendor", "DigitalOcean " + product, DIGITALOCEAN, HIGH));
        }
        cloud.addAll(azure(host, dir, vendor, product, asset));
        for (Signal s : cloud) {
            signals.add(inContainer ? s.ignoredBecause("inside a container DMI shows the host's hardware") : s);
        }
        if (cloud.isEmpty() && !inContainer) {
            hypervisor(vendor, product).ifPresent(h -> signals.add(Signal.fact(dir + "sys_vendor", h, LOW)));
        }
        return signals;
    }

    /**
     * Azure runs on Hyper-V, so Microsoft's DMI vendor and product alone do not mean Azure: an on-premises Hyper-V VM
     * reports the same. Azure is told apart by its chassis asset tag and its agent (waagent, /var/lib/waagent).
     */
    private static List<Signal> azure(HostRoot host, String dir, String vendor, String product, String asset) {
        List<Signal> out = new ArrayList<>();
        if (asset.equals(AZURE_ASSET_TAG)) {
            out.add(Signal.of(dir + "chassis_asset_tag", asset + " (cloud: azure)", AKS, MEDIUM));
        }
        for (String agent : List.of("/var/lib/waagent", "/usr/sbin/waagent")) {
            if (host.exists(agent)) {
                out.add(Signal.of(agent, "Azure Linux agent (cloud: azure)", AKS, MEDIUM));
            }
        }
        return out;
    }

    /** On-premises hypervisors, reported as facts so nobody mistakes them for the clouds that share their DMI strings. */
    private static java.util.Optional<String> hypervisor(String vendor, String product) {
        if (vendor.equals("Microsoft Corporation") && product.equals("Virtual Machine")) {
            return java.util.Optional.of(
                    "Hyper-V virtual machine (no Azure asset tag, waagent or /var/lib/waagent:" + " not Azure)");
        }
        if (vendor.startsWith("VMware") || product.startsWith("VMware")) {
            return java.util.Optional.of("VMware virtual machine (" + product + ")");
        }
        if (vendor.equals("QEMU") || product.contains("Q35 + ICH9") || product.contains("i440FX")) {
            return java.util.Optional.of("KVM/QEMU virtual machine (" + product + "; Proxmox, libvirt or OpenStack)");
        }
        if (vendor.equals("Xen")) {
            return java.util.Optional.of("Xen virtual machine (" + product + ", not an EC2 BIOS)");
        }
        return java.util.Optional.empty();
    }

    static List<Signal> kubelet(KubeletHints k) {
        List<Signal> signals = new ArrayList<>();
        k.providerId().ifPresent(id -> {
            String src = k.providerIdSource() + " (providerID)";
            if (id.startsWith("kind://")) {
                signals.add(Signal.of(src, id, KIND, HIGH));
            } else if (id.startsWith("digitalocean://")) {
                signals.add(Signal.of(src, id, DIGITALOCEAN, HIGH));
            } else if (id.startsWith("gce://")) {
                signals.add(Signal.of(src, id, GKE, MEDIUM));
            } else if (id.startsWith("azure://")) {
                signals.add(Signal.of(src, id, AKS, MEDIUM));
            } else if (id.startsWith("k3s://")) {
                signals.add(Signal.of(src, id, K3S, MEDIUM));
            } else if (id.startsWith("rke2://")) {
                signals.add(Signal.of(src, id, RKE2, MEDIUM));
            } else {
                signals.add(Signal.fact(src, id, MEDIUM));
            }
        });
        String src = k.nodeLabelsSource() + " (--node-labels)";
        k.labelWithPrefix("cloud.google.com/gke-").ifPresent(l -> signals.add(Signal.of(src, l, GKE, HIGH)));
        k.labelWithPrefix("kubernetes.azure.com/").ifPresent(l -> signals.add(Signal.of(src, l, AKS, HIGH)));
        k.labelWithPrefix("doks.digitalocean.com/").ifPresent(l -> signals.add(Signal.of(src, l, DIGITALOCEAN, HIGH)));
        k.labelWithPrefix("minikube.k8s.io/").ifPresent(l -> signals.add(Signal.of(src, l, MINIKUBE, HIGH)));
        k.labelWithPrefix("microk8s.io/").ifPresent(l -> signals.add(Signal.of(src, l, MICROK8S, HIGH)));
        k.labelWithPrefix("eks.amazonaws.com/").ifPresent(l -> signals.add(Signal.fact(src, l, HIGH)));
        return signals;
    }
}
