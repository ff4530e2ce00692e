package dev.speglar.agent.cli;

import dev.speglar.agent.AgentConfig.BootstrapKind;
import dev.speglar.agent.AgentConfig.StoreKind;
import picocli.CommandLine.ITypeConverter;

/** picocli converters for the agent's enum flags; a blank value (an empty env var) means "not set". */
final class Converters {
    private Converters() {}

    static final class Store implements ITypeConverter<StoreKind> {
        @Override
        public StoreKind convert(String value) {
            return StoreKind.parse(value.trim());
        }
    }

    static final class Bootstrap implements ITypeConverter<BootstrapKind> {
        @Override
        public BootstrapKind convert(String value) {
            return value.isBlank() ? null : BootstrapKind.parse(value.trim());
        }
    }
}
