/** The TCP host: listen, dial, connection upgrade pipeline, per-peer connection reuse and limits. */
package dev.speglar.p2p.host;
