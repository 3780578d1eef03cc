package io.github.sysched.scheduler.extender;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * One answer being written: its status and its JSON bytes, sent in one piece with their length. A growable buffer
 * without the locking of {@link java.io.ByteArrayOutputStream} (an answer has one writer).
 */
final class ExtenderAnswer extends OutputStream {

    private byte[] bytes;
    private int size;
    private int status = HttpServletResponse.SC_OK;

    ExtenderAnswer(int capacity) {
        bytes = new byte[capacity];
    }

    int status() {
        return status;
    }

    int size() {
        return size;
    }

    /** Room for {@code more} bytes without growing again. */
    void reserve(int more) {
        if (size + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(size + more, bytes.length * 2));
        }
    }

    /** Replaces what was written by a refusal: {@code {"error": message}} with {@code status}. */
    void reject(int status, String message, ExtenderAnswerWriter writer) {
        this.status = status;
        size = 0;
        writer.rejection(this, message);
    }

    @Override
    public void write(int b) {
        reserve(1);
        bytes[size++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int offset, int length) {
        reserve(length);
        System.arraycopy(b, offset, bytes, size, length);
        size += length;
    }

    void writeTo(OutputStream out) throws IOException {
        out.write(bytes, 0, size);
    }

    /** Written so far, as text (tests, logs). */
    @Override
    public String toString() {
        return new String(bytes, 0, size, java.nio.charset.StandardCharsets.UTF_8);
    }
}
