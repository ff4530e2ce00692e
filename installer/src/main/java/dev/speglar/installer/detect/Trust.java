package dev.speglar.installer.detect;

/**
 * How much a signal can be believed: HIGH is set by the platform's own tooling, MEDIUM is usually right but shared
 * with other platforms, LOW is a hint only. The weight lets several weak signals lose to one strong one.
 */
public enum Trust {
    HIGH("high", 10),
    MEDIUM("medium", 3),
    LOW("low", 1);

    private final String jsonName;
    private final int weight;

    Trust(String jsonName, int weight) {
        this.jsonName = jsonName;
        this.weight = weight;
    }

    public String jsonName() {
        return jsonName;
    }

    public int weight() {
        return weight;
    }

    @Override
    public String toString() {
        return jsonName;
    }
}
