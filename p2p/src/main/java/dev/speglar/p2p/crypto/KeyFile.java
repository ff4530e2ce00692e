package dev.speglar.p2p.crypto;

import dev.speglar.p2p.P2pProtocolException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Base64;

/** Loads or creates {@code <dataDir>/private.key}: PEM "PRIVATE KEY" (PKCS#8 Ed25519), file mode 0600, like upstream. */
public final class KeyFile {
    public static final String FILE_NAME = "private.key";
    private static final String BEGIN = "-----BEGIN PRIVATE KEY-----";
    private static final String END = "-----END PRIVATE KEY-----";

    private KeyFile() {}

    public static Ed25519Identity loadOrCreate(Path dataDir) throws IOException {
        Path file = dataDir.resolve(FILE_NAME);
        if (Files.exists(file)) {
            return parse(Files.readString(file, StandardCharsets.US_ASCII));
        }
        Files.createDirectories(dataDir);
        Ed25519Identity id = Ed25519Identity.generate();
        Path tmp = Files.createTempFile(
                dataDir,
                FILE_NAME,
                ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, format(id), StandardCharsets.US_ASCII);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return id;
    }

    public static String format(Ed25519Identity id) {
        return BEGIN + "\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(id.pkcs8()) + "\n" + END
                + "\n";
    }

    public static Ed25519Identity parse(String pem) {
        int b = pem.indexOf(BEGIN);
        int e = pem.indexOf(END);
        if (b < 0 || e < b) {
            throw new P2pProtocolException("private.key is not a PEM PRIVATE KEY block");
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(pem.substring(b + BEGIN.length(), e));
        } catch (IllegalArgumentException ex) {
            throw new P2pProtocolException("private.key has invalid base64", ex);
        }
        byte[] prefix = Ed25519Identity.PKCS8_PREFIX;
        if (der.length != prefix.length + 32 || !Arrays.equals(der, 0, prefix.length, prefix, 0, prefix.length)) {
            throw new P2pProtocolException("private.key is not a PKCS#8 Ed25519 key");
        }
        return Ed25519Identity.fromSeed(Arrays.copyOfRange(der, prefix.length, der.length));
    }
}
