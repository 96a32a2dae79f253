/**
 * Payload encoding, compression and encryption for TamTam: {@link io.tamtam.codec.MsgpackCodec}
 * (MessagePack), {@link io.tamtam.codec.SnappyCompressor} (Snappy, wire id 1) and
 * {@link io.tamtam.codec.AesGcmCipherFactory} (AES-GCM through the JDK's {@code AES/GCM/NoPadding}).
 *
 * <p>All three register with {@link java.util.ServiceLoader}, so putting {@code tamtam-codec} on the
 * class path is enough for a cluster to find them; {@link io.tamtam.ClusterConfig.Builder} can also set
 * them explicitly:
 *
 * <pre>{@code
 * ClusterConfig config = ClusterConfig.builder()
 *         .codec(new MsgpackCodec())
 *         .compressor(new SnappyCompressor())
 *         .cipherFactory(new AesGcmCipherFactory())
 *         .encryptionKeys(sharedKey) // 16, 24 or 32 bytes, the same on every node
 *         // ... the rest of the configuration
 *         .build();
 * }</pre>
 *
 * <p>Payloads need no annotations. Records work best: they are encoded as a map keyed by component
 * name, so a later version may add components (old messages decode them as null, zero, false or an
 * empty Optional) or drop them (their keys are skipped):
 *
 * <pre>{@code
 * record Order(UUID id, String item, int quantity, List<String> tags, Instant placed) {}
 *
 * Codec codec = new MsgpackCodec();
 * byte[] bytes = codec.encode(new Order(UUID.randomUUID(), "tea", 2, List.of("green"), Instant.now()));
 * Order order = codec.decode(bytes, 0, bytes.length, Order.class);
 * }</pre>
 *
 * <p>Every node of a cluster must use the same codec and a compressor every peer knows. Decoding and
 * decompression treat their input as hostile: declared lengths are checked before allocating and all
 * failures are {@link java.io.IOException}s; decryption failures are
 * {@link java.security.GeneralSecurityException}s.
 */
package io.tamtam.codec;
