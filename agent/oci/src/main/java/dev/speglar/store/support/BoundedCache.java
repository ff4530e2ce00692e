package dev.speglar.store.support;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A small thread-safe LRU map. Stores cache facts derived from content-addressed bytes (children of a manifest, a
 * sniffed media type), which never go stale; the bound keeps memory flat on nodes with many images.
 */
public final class BoundedCache<K, V> {
    private final Map<K, V> map;

    public BoundedCache(int maxEntries) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries < 1");
        }
        this.map = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > maxEntries;
            }
        };
    }

    public synchronized V get(K key) {
        return map.get(key);
    }

    public synchronized void put(K key, V value) {
        map.put(key, value);
    }
}
