package io.tamtam.internal.transfer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** SHA-256, which every JDK has. */
final class Sha256 {
    private Sha256() {
    }

    static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no SHA-256", e);
        }
    }

    /**
     * @param ch   a file
     * @param size bytes to hash from its start
     * @return their SHA-256
     * @throws IOException when it cannot be read
     */
    static byte[] of(FileChannel ch, long size) throws IOException {
        MessageDigest d = digest();
        ByteBuffer buf = ByteBuffer.allocate(1 << 20);
        long pos = 0;
        while (pos < size) {
            buf.clear();
            buf.limit((int) Math.min(buf.capacity(), size - pos));
            int n = ch.read(buf, pos);
            if (n < 0) {
                throw new IOException("the file ended at " + pos + " of " + size + " bytes");
            }
            pos += n;
            buf.flip();
            d.update(buf);
        }
        return d.digest();
    }
}
