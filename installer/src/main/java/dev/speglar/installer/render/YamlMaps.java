package dev.speglar.installer.render;

import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;

/** Users' YAML configs as plain maps (safe loading only), and back as block-style YAML. */
final class YamlMaps {
    private YamlMaps() {}

    /** The top-level mapping of {@code yaml}; {@code what} (the option name) prefixes every error. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> load(String yaml, String what) {
        try {
            Object doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
            if (doc instanceof Map<?, ?> m) {
                return (Map<String, Object>) m;
            }
            throw new IllegalArgumentException(what + ": expected a YAML mapping at the top level");
        } catch (YAMLException e) {
            throw new IllegalArgumentException(what + " is not valid YAML: " + e.getMessage(), e);
        }
    }

    static String dump(Object doc) {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setIndicatorIndent(0);
        options.setWidth(200);
        Representer representer = new Representer(options) {
            {
                this.representers.put(String.class, data -> {
                    String s = (String) data;
                    return representScalar(
                            Tag.STR,
                            s,
                            s.contains("\n") ? DumperOptions.ScalarStyle.LITERAL : DumperOptions.ScalarStyle.PLAIN);
                });
            }
        };
        return new Yaml(representer, options).dump(doc);
    }
}
