package dev.speglar.installer.render;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Loads preset templates from the classpath ({@code /presets/<preset>/<file>}, packaged from the repo's presets/)
 * and fills {@code ${SPEGLAR_*}} placeholders exactly like {@code envsubst} restricted to those names would.
 */
public final class Templates {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{(SPEGLAR_[A-Z0-9_]+)}");
    private static final Pattern BLOCK =
            Pattern.compile("(?m)^[ \\t]*# speglar:([a-z-]+):begin\\n.*?^[ \\t]*# speglar:\\1:end\\n", Pattern.DOTALL);

    private Templates() {}

    public static String load(String preset, String file) {
        String resource = "/presets/" + preset + "/" + file;
        try (InputStream in = Templates.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("preset template " + resource + " missing from the installer jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The preset's {@code defaults.env}: SPEGLAR_X=value lines, one level of shell quotes removed. */
    public static Map<String, String> defaults(String preset) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : load(preset, "defaults.env").split("\n")) {
            int eq = line.indexOf('=');
            if (line.isBlank() || line.startsWith("#") || eq <= 0) {
                continue;
            }
            String value = line.substring(eq + 1);
            if (value.length() >= 2
                    && (value.startsWith("'") && value.endsWith("'")
                            || value.startsWith("\"") && value.endsWith("\""))) {
                value = value.substring(1, value.length() - 1);
            }
            out.put(line.substring(0, eq), value);
        }
        return out;
    }

    /** Replaces every placeholder; a placeholder without a value is a bug in the preset, reported by name. */
    public static String fill(String template, Map<String, String> values) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String value = values.get(m.group(1));
            if (value == null) {
                throw new IllegalStateException("no value for ${" + m.group(1) + "}");
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(value));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    /** Removes the lines between {@code # speglar:NAME:begin} and {@code # speglar:NAME:end}, markers included. */
    public static String dropBlocks(String text, String name) {
        Matcher m = BLOCK.matcher(text);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(sb, m.group(1).equals(name) ? "" : Matcher.quoteReplacement(m.group()));
        }
        m.appendTail(sb);
        return sb.toString();
    }
}
