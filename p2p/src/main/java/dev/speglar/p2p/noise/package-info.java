/** Noise XX (Noise_XX_25519_ChaChaPoly_SHA256) with the libp2p handshake payload, and its transport codec. */
package dev.speglar.p2p.noise;
