/**
 * Kubernetes CRI v1 subset: {@link dev.speglar.containerd.cri.CriClient} (runtime status, image pull/list/status/remove)
 * and {@link dev.speglar.containerd.cri.CriConfigCheck}, the start-up check that containerd's CRI plugin honours mirror
 * configuration.
 */
package dev.speglar.containerd.cri;
