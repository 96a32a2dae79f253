/**
 * Point-to-point user messages. Sending: {@link io.tamtam.internal.messaging.DirectMessages} (best effort,
 * reliable, request). Receiving: {@link io.tamtam.internal.messaging.Inbound} routes them;
 * {@link io.tamtam.internal.messaging.InOrder} restores each sender's reliable order;
 * {@link io.tamtam.internal.messaging.Messaging} runs handlers within the node's
 * {@link io.tamtam.internal.messaging.ByteBudget}; {@link io.tamtam.internal.messaging.Replies} completes
 * the futures that wait for acknowledgements and replies. Reliable delivery is these five together.
 */
package io.tamtam.internal.messaging;
