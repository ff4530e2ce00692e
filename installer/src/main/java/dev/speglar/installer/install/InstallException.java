package dev.speglar.installer.install;

/** An install, uninstall or doctor step failed; the message says which step and what was done about it. */
public final class InstallException extends Exception {
    public InstallException(String message, Throwable cause) {
        super(message, cause);
    }

    public InstallException(String message) {
        super(message);
    }
}
