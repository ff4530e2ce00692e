/**
 * Reading OCI manifests, shared by the stores: a bounded JSON reader, child descriptors of an index or manifest, the
 * root-first tree walk that skips missing content, and upstream-compatible media-type fingerprinting.
 */
package dev.speglar.store.manifest;
