package dev.speglar.installer;

/** Process exit codes of the {@code speglar} command. */
public final class ExitCode {
    /** Success (for detect: the report was produced and the platform is not refused). */
    public static final int OK = 0;
    /** The operation failed (I/O, validation, containerd error); the message says what to do. */
    public static final int FAILED = 1;
    /** Bad command line: unknown option, missing parameter, invalid value. */
    public static final int USAGE = 2;
    /** The platform or runtime is unsupported (GKE, DigitalOcean, Docker-only); see --allow-unsupported-platform. */
    public static final int REFUSED = 3;

    private ExitCode() {}
}
