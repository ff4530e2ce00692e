package dev.speglar.installer.render;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code speglar render PRESET}: placeholder until the presets land. */
@Command(name = "render", mixinStandardHelpOptions = true, description = "Render a pre-boot preset.")
public final class RenderCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        return 0;
    }
}
