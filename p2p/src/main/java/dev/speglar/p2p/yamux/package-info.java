/** yamux frames, codec and session/stream state machines with flow control. */
package dev.speglar.p2p.yamux;
