package dev.speglar.installer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The completion script works in a real bash: subcommands, preset names and enum values complete. */
@Tag("real")
class CompletionTest {

    @TempDir
    Path dir;

    @Test
    void bashCompletesSubcommandsPresetsAndFormats() throws Exception {
        Path script = dir.resolve("speglar.bash");
        Files.writeString(script, CliRun.of("completion").out());
        String driver = """
                source "$1" 2>/dev/null
                complete_line() {
                  COMP_LINE="$1"; COMP_POINT=${#COMP_LINE}; read -r -a COMP_WORDS <<< "$1"
                  [[ "$1" == *" " ]] && COMP_WORDS+=("")
                  COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 )); COMPREPLY=()
                  _complete_speglar 2>/dev/null
                  echo "$2: ${COMPREPLY[*]}"
                }
                complete_line "speglar ren" sub
                complete_line "speglar render " presets
                complete_line "speglar detect -o " formats
                complete_line "speglar detect --host" options
                """;
        Path driverFile = dir.resolve("driver.sh");
        Files.writeString(driverFile, driver);
        Path out = dir.resolve("out.txt");

        Process p = new ProcessBuilder("bash", driverFile.toString(), script.toString())
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String result = Files.readString(out);

        assertThat(p.exitValue()).as(result).isZero();
        assertThat(result)
                .contains("sub: render\n")
                .contains("presets: eks-al2 eks-al2023 kind talos k3s rke2 bottlerocket systemd daemonset\n")
                .contains("formats: text json\n")
                .contains("options: --host-root\n");
    }
}
