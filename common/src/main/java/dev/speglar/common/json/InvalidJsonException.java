package dev.speglar.common.json;

import java.io.IOException;

/** Content that should be JSON (a manifest, an index, a config, index.json) is not, or has the wrong shape. */
public class InvalidJsonException extends IOException {
    public InvalidJsonException(String message) {
        super(message);
    }
}
