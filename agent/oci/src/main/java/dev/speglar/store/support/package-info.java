/** Small building blocks of store implementations: file-backed blobs, subscriber lists, bounded caches. */
package dev.speglar.store.support;
