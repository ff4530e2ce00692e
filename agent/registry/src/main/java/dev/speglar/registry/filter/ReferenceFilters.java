package dev.speglar.registry.filter;

import java.util.ArrayList;
import java.util.List;

/** Builds the filter list the way the {@code registry} command does from its flags. */
public final class ReferenceFilters {

    /**
     * The allow-list from {@code --mirrored-registries} (omitted when empty or a wildcard is present), then one regex
     * filter per {@code --registry-filters} entry.
     */
    public static List<ReferenceFilter> fromFlags(List<String> mirroredRegistries, List<String> registryFilters) {
        List<ReferenceFilter> filters = new ArrayList<>();
        RegistryAllowList.parse(mirroredRegistries).ifPresent(filters::add);
        for (String r : registryFilters) {
            filters.add(new RegexFilter(r));
        }
        return List.copyOf(filters);
    }

    /** True if any filter excludes the reference. */
    public static boolean excluded(List<ReferenceFilter> filters, String registry, String repository, String tag) {
        for (ReferenceFilter f : filters) {
            if (f.excludes(registry, repository, tag)) {
                return true;
            }
        }
        return false;
    }

    private ReferenceFilters() {}
}
