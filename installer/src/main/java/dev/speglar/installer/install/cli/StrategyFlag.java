package dev.speglar.installer.install.cli;

import dev.speglar.installer.install.ConfigStrategy;
import java.util.Iterator;
import java.util.List;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** {@code --config-strategy auto|in-place|drop-in} onto {@link ConfigStrategy}. */
final class StrategyFlag {
    private static final List<String> NAMES = List.of("auto", "in-place", "drop-in");

    private StrategyFlag() {}

    static final class Converter implements ITypeConverter<ConfigStrategy> {
        @Override
        public ConfigStrategy convert(String value) {
            return switch (value) {
                case "auto" -> ConfigStrategy.AUTO;
                case "in-place" -> ConfigStrategy.IN_PLACE;
                case "drop-in" -> ConfigStrategy.DROP_IN;
                default -> throw new TypeConversionException("'" + value + "' is not auto, in-place or drop-in");
            };
        }
    }

    static final class Candidates implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return NAMES.iterator();
        }
    }
}
