/** Ed25519 identity, its PEM key file, and raw-byte X25519 on the JDK providers. */
package dev.speglar.p2p.crypto;
