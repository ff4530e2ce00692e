package dev.speglar.registry.inflight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The chunked copy of an arriving file (the TLS path) ends like the sendfile path: on a shrink or a stall. */
class GrowingFileInputTest {
    private static final UnpooledByteBufAllocator ALLOC = UnpooledByteBufAllocator.DEFAULT;

    @TempDir
    Path dir;

    @Test
    void followsTheFileAsItGrowsAndEndsAtItsSize() throws IOException {
        Path ingest = dir.resolve("data");
        Files.write(ingest, new byte[] {1, 2, 3});
        try (FileChannel writer = FileChannel.open(ingest, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
                FileChannel reader = FileChannel.open(ingest)) {
            var input = new GrowingFileInput(reader, 0, 5, TimeUnit.SECONDS.toNanos(30));
            assertThat(bytes(input.readChunk(ALLOC))).containsExactly(1, 2, 3);
            assertThat(input.readChunk(ALLOC)).as("nothing new yet: not now").isNull();
            writer.write(ByteBuffer.wrap(new byte[] {4, 5, 6}));
            assertThat(bytes(input.readChunk(ALLOC))).as("stops at the end").containsExactly(4, 5);
            assertThat(input.isEndOfInput()).isTrue();
        }
    }

    @Test
    void aFileThatShrinksEndsTheInputWithAnError() throws IOException {
        Path ingest = dir.resolve("data");
        Files.write(ingest, new byte[] {1, 2, 3, 4});
        try (FileChannel reader = FileChannel.open(ingest)) {
            var input = new GrowingFileInput(reader, 0, 10, TimeUnit.SECONDS.toNanos(30));
            assertThat(bytes(input.readChunk(ALLOC))).containsExactly(1, 2, 3, 4);
            try (FileChannel writer = FileChannel.open(ingest, StandardOpenOption.WRITE)) {
                writer.truncate(1);
            }
            assertThatThrownBy(() -> input.readChunk(ALLOC))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("truncated from 4 to 1");
        }
    }

    @Test
    void aFileThatStopsGrowingEndsTheInputAfterTheStallBound() throws IOException {
        Path ingest = dir.resolve("data");
        Files.write(ingest, new byte[] {1});
        try (FileChannel reader = FileChannel.open(ingest)) {
            var input = new GrowingFileInput(reader, 0, 10, 0);
            assertThat(bytes(input.readChunk(ALLOC))).containsExactly(1);
            assertThatThrownBy(() -> input.readChunk(ALLOC))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("stalled at 1 of 10");
        }
    }

    private static byte[] bytes(ByteBuf buf) {
        try {
            byte[] out = new byte[buf.readableBytes()];
            buf.readBytes(out);
            return out;
        } finally {
            buf.release();
        }
    }
}
