/** multistream-select 1.0 framing and negotiation as a pure state machine. */
package dev.speglar.p2p.multistream;
