/** The identify protocol (/ipfs/id/1.0.0). */
package dev.speglar.p2p.identify;
