/** Public API: {@link dev.speglar.p2p.P2pNode}, a libp2p + Kademlia node wire-compatible with upstream Spegel. */
package dev.speglar.p2p;
