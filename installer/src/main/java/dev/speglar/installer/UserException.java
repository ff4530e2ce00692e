package dev.speglar.installer;

/**
 * An error the user can act on. The message states what went wrong and what to do; {@link Main} prints it without a
 * stack trace and exits with {@link #exitCode()}.
 */
public class UserException extends RuntimeException {
    private final int exitCode;

    public UserException(String message) {
        this(message, ExitCode.FAILED);
    }

    public UserException(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    public UserException(String message, Throwable cause) {
        super(message, cause);
        this.exitCode = ExitCode.FAILED;
    }

    public int exitCode() {
        return exitCode;
    }
}
