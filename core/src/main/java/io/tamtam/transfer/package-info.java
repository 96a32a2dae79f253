/**
 * Large transfers: content of any size sent to one node in acknowledged parts, written to disk at the
 * receiver, verified whole and resumable after a broken connection or a restart of either side. See
 * {@link io.tamtam.transfer.Transfers}.
 */
package io.tamtam.transfer;
