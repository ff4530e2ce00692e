package dev.speglar.installer.install;

/** How the containerd config change is delivered. */
public enum ConfigStrategy {
    /** In place, unless the platform regenerates the main file; then a drop-in. */
    AUTO,
    /** Edit the main config file, keeping every unrelated byte. */
    IN_PLACE,
    /** A file in the main config's imports directory; full CRI table on containerd 1.x. */
    DROP_IN
}
