package dev.speglar.oci.hashing;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * SHA-256 through OpenSSL's libcrypto (SHA-NI/AVX2 code paths) via the FFM API. The agent runs without C2's tiers to
 * stay small, and without C2 the JDK's SHA-256 loses its intrinsics (about 0.1 GB/s); libcrypto hashes at 1.5+ GB/s
 * on any JIT. The low-level {@code SHA256_*} calls exist in every OpenSSL from 0.9.8 to 3.x (AL2 ships 1.0.2).
 */
final class OpenSslSha256 extends MessageDigest {
    private static final List<String> LIBRARIES =
            List.of("libcrypto.so.3", "libcrypto.so.1.1", "libcrypto.so.10", "libcrypto.so");
    /** sizeof(SHA256_CTX) is 112 in every OpenSSL version; a little slack costs nothing. */
    private static final long CTX_SIZE = 128;

    private static final Functions FUNCTIONS = load().orElse(null);

    private record Functions(MethodHandle init, MethodHandle update, MethodHandle finish) {}

    private final MemorySegment ctx = Arena.ofAuto().allocate(CTX_SIZE, 16);
    private final MemorySegment one = Arena.ofAuto().allocate(1);

    OpenSslSha256() {
        super("SHA-256");
        engineReset();
    }

    /** True when libcrypto was found, linked and passed a known-answer test. */
    static boolean available() {
        return FUNCTIONS != null;
    }

    @Override
    protected int engineGetDigestLength() {
        return 32;
    }

    @Override
    protected void engineUpdate(byte input) {
        one.set(ValueLayout.JAVA_BYTE, 0, input);
        update(one, 1);
    }

    @Override
    protected void engineUpdate(byte[] input, int offset, int len) {
        if (len > 0) {
            update(MemorySegment.ofArray(input).asSlice(offset, len), len);
        }
    }

    @Override
    protected void engineUpdate(ByteBuffer input) {
        int len = input.remaining();
        if (len == 0) {
            return;
        }
        if (input.isDirect() || input.hasArray()) {
            // ofBuffer covers position..limit of a direct or array-backed buffer without copying.
            update(MemorySegment.ofBuffer(input), len);
            input.position(input.limit());
        } else {
            super.engineUpdate(input);
        }
    }

    @Override
    protected byte[] engineDigest() {
        byte[] out = new byte[32];
        try {
            check((int) FUNCTIONS.finish().invokeExact(MemorySegment.ofArray(out), ctx));
        } catch (Throwable t) {
            throw rethrow(t);
        }
        engineReset();
        return out;
    }

    @Override
    protected void engineReset() {
        try {
            check((int) FUNCTIONS.init().invokeExact(ctx));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private void update(MemorySegment data, long len) {
        try {
            check((int) FUNCTIONS.update().invokeExact(ctx, data, len));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static void check(int rc) {
        if (rc != 1) {
            throw new IllegalStateException("libcrypto SHA-256 call failed");
        }
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException(t);
    }

    private static Optional<Functions> load() {
        if (!Boolean.parseBoolean(System.getProperty("speglar.opensslSha256", "true"))) {
            return Optional.empty();
        }
        Linker linker = Linker.nativeLinker();
        // critical(true): short calls that may read heap arrays in place (no copy, no GC during the call).
        Linker.Option critical = Linker.Option.critical(true);
        for (String name : LIBRARIES) {
            try {
                SymbolLookup lib = SymbolLookup.libraryLookup(name, Arena.global());
                Functions f = new Functions(
                        linker.downcallHandle(
                                lib.findOrThrow("SHA256_Init"),
                                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS),
                                critical),
                        linker.downcallHandle(
                                lib.findOrThrow("SHA256_Update"),
                                FunctionDescriptor.of(
                                        ValueLayout.JAVA_INT,
                                        ValueLayout.ADDRESS,
                                        ValueLayout.ADDRESS,
                                        ValueLayout.JAVA_LONG),
                                critical),
                        linker.downcallHandle(
                                lib.findOrThrow("SHA256_Final"),
                                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS),
                                critical));
                if (knownAnswer(f)) {
                    return Optional.of(f);
                }
            } catch (Throwable e) {
                // Not there, not linkable or native access denied: try the next name, then fall back to the JDK.
            }
        }
        return Optional.empty();
    }

    /** FIPS 180-2 test vector "abc", so a mislinked or odd library is never trusted to verify content. */
    private static boolean knownAnswer(Functions f) throws Throwable {
        MemorySegment ctx = Arena.ofAuto().allocate(CTX_SIZE, 16);
        byte[] out = new byte[32];
        byte[] abc = {'a', 'b', 'c'};
        int rc = (int) f.init().invokeExact(ctx);
        rc &= (int) f.update().invokeExact(ctx, MemorySegment.ofArray(abc), 3L);
        rc &= (int) f.finish().invokeExact(MemorySegment.ofArray(out), ctx);
        return rc == 1
                && HexFormat.of()
                        .formatHex(out)
                        .equals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
