/** Multiformats: uvarint, multihash, CIDv1, multiaddr, base58btc/base32 and peer ids (pure values, no I/O). */
package dev.speglar.p2p.multiformats;
