package dev.speglar.installer.install;

import dev.speglar.installer.containerd.ConfigValidationException;
import dev.speglar.installer.containerd.CriKeys;
import dev.speglar.installer.containerd.EffectiveConfig;
import dev.speglar.installer.containerd.TomlKeys;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Judges a candidate's {@code containerd config dump} against the current one: the intended values must be effective,
 * CRI must stay enabled without inline mirrors, and no other effective key may change (this is what catches the
 * containerd 1.x drop-in trap, where a partial CRI table silently resets everything else).
 */
final class CandidateCheck {

    private CandidateCheck() {}

    /** Fails unless the candidate has exactly the intended effect. Returns changed key → "old -> new". */
    static Map<String, String> check(
            EffectiveConfig before, EffectiveConfig candidate, ContainerdTarget target, String hostsDir)
            throws ConfigValidationException {
        List<String> problems = new ArrayList<>();
        if (!hostsDir.equals(candidate.configPath()))
            problems.add("config_path is '" + candidate.configPath() + "', expected '" + hostsDir + "'");
        if (!Boolean.FALSE.equals(candidate.discardUnpackedLayers()))
            problems.add("discard_unpacked_layers is not false");
        if (target.version().hasTransferServicePull()
                && candidate.criKeys().useLocalImagePull() != null
                && !Boolean.TRUE.equals(candidate.useLocalImagePull()))
            problems.add("use_local_image_pull is not true");
        if (candidate.criDisabled()) problems.add("the CRI plugin would be disabled");
        if (candidate.hasInlineMirrors()) problems.add("inline registry.mirrors would sit next to config_path");
        Set<String> allowed = new TreeSet<>();
        CriKeys k = candidate.criKeys();
        allowed.add(TomlKeys.format(k.configPath()));
        allowed.add(TomlKeys.format(k.discardUnpackedLayers()));
        if (k.useLocalImagePull() != null) allowed.add(TomlKeys.format(k.useLocalImagePull()));
        allowed.add("imports");
        Map<String, Object> a = before.flatten();
        Map<String, Object> b = candidate.flatten();
        Map<String, String> changed = new LinkedHashMap<>();
        Set<String> keys = new TreeSet<>(a.keySet());
        keys.addAll(b.keySet());
        List<String> unexpected = new ArrayList<>();
        for (String key : keys) {
            if (Objects.equals(a.get(key), b.get(key))) continue;
            if (allowed.contains(key)) {
                if (!key.equals("imports")) changed.put(key, show(a.get(key)) + " -> " + show(b.get(key)));
            } else {
                unexpected.add(key + " (" + a.get(key) + " -> " + b.get(key) + ")");
            }
        }
        if (!unexpected.isEmpty())
            problems.add("it would also change unrelated settings: " + String.join(", ", unexpected));
        if (!problems.isEmpty()) {
            throw new ConfigValidationException("candidate containerd config rejected by containerd config dump check: "
                    + String.join("; ", problems));
        }
        return changed;
    }

    private static String show(Object v) {
        return v == null ? "(unset)" : v instanceof String s ? TomlKeys.string(s) : v.toString();
    }
}
