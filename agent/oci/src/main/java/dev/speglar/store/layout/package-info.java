/**
 * The OCI image layout store: {@link dev.speglar.store.layout.OciLayoutStore} serves a directory in the OCI image
 * layout format, polled for changes. Naming rules for {@code index.json} entries: {@link
 * dev.speglar.store.layout.LayoutSource}.
 */
package dev.speglar.store.layout;
