package dev.speglar.installer.install;

import dev.speglar.installer.containerd.Exec;
import java.io.IOException;
import java.time.Duration;
import java.util.List;

/** An action on the node's init system, such as restarting containerd. Pluggable so tests and non-systemd inits work. */
@FunctionalInterface
public interface CommandHook {

    void run() throws IOException;

    /** Runs {@code command} with {@code sh -c}; a non-zero exit is a failure. */
    static CommandHook shell(String command, Duration timeout) {
        if (command == null || command.isBlank()) throw new IllegalArgumentException("hook command is empty");
        return new CommandHook() {
            @Override
            public void run() throws IOException {
                Exec.Result r = Exec.run(List.of("/bin/sh", "-c", command), timeout);
                if (!r.ok()) throw new IOException("'" + command + "' failed: " + r.describe());
            }

            @Override
            public String toString() {
                return command;
            }
        };
    }

    static CommandHook none() {
        return () -> {};
    }
}
