/** The ping protocol (/ipfs/ping/1.0.0). */
package dev.speglar.p2p.ping;
