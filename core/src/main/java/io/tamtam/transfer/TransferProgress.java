package io.tamtam.transfer;

import java.time.Duration;

/**
 * Where a transfer stands.
 *
 * @param bytesDone      bytes acknowledged by the receiver (sender) or written to disk (receiver), those
 *                       held from an earlier attempt included
 * @param totalBytes     bytes in all
 * @param resumedBytes   bytes the receiver already held when this attempt started
 * @param bytesPerSecond bytes acknowledged per second since this attempt started, resumed bytes excluded
 * @param eta            time left at that rate; {@link Duration#ZERO} when done, null while the rate is 0
 */
public record TransferProgress(long bytesDone, long totalBytes, long resumedBytes, double bytesPerSecond, Duration eta) {
}
