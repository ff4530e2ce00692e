package dev.speglar.p2p.fuzz;

import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** Garbage generators: random bytes, and valid encodings with bytes flipped, cut, duplicated or lengths inflated. */
public final class Mutations {
    private Mutations() {}

    public static Arbitrary<byte[]> randomBytes(int maxSize) {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(maxSize);
    }

    /** Random bytes and mutations of {@code seeds}, half and half. */
    public static Arbitrary<byte[]> garbage(List<byte[]> seeds, int maxSize) {
        return Arbitraries.oneOf(randomBytes(maxSize), mutated(seeds));
    }

    public static Arbitrary<byte[]> mutated(List<byte[]> seeds) {
        Arbitrary<byte[]> seed = Arbitraries.of(seeds);
        Arbitrary<Integer> kind = Arbitraries.integers().between(0, 5);
        Arbitrary<Integer> where = Arbitraries.integers().between(0, Integer.MAX_VALUE);
        Arbitrary<Byte> value = Arbitraries.oneOf(
                Arbitraries.bytes(), Arbitraries.of((byte) 0xff, (byte) 0x80, (byte) 0x7f, (byte) 0x00));
        return Combinators.combine(seed, kind, where, value).as(Mutations::mutate);
    }

    static byte[] mutate(byte[] seed, int kind, int where, byte value) {
        if (seed.length == 0) {
            return new byte[] {value};
        }
        int i = where % seed.length;
        byte[] b = seed.clone();
        return switch (kind) {
            case 0 -> { // flip one byte
                b[i] = value;
                yield b;
            }
            case 1 -> Arrays.copyOf(b, i); // truncate
            case 2 -> { // duplicate a tail
                byte[] out = Arrays.copyOf(b, b.length + (b.length - i));
                System.arraycopy(b, i, out, b.length, b.length - i);
                yield out;
            }
            case 3 -> { // inflate: a huge varint where a length may stand
                byte[] out = new byte[b.length + 5];
                System.arraycopy(b, 0, out, 0, i);
                byte[] big = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f};
                System.arraycopy(big, 0, out, i, 5);
                System.arraycopy(b, i, out, i + 5, b.length - i);
                yield out;
            }
            case 4 -> { // set high bit run (unterminated varint)
                for (int j = i; j < Math.min(b.length, i + 12); j++) {
                    b[j] = (byte) 0x80;
                }
                yield b;
            }
            default -> { // insert a byte
                byte[] out = new byte[b.length + 1];
                System.arraycopy(b, 0, out, 0, i);
                out[i] = value;
                System.arraycopy(b, i, out, i + 1, b.length - i);
                yield out;
            }
        };
    }
}
