/** Kademlia DHT on /spegel/kad/1.0.0: messages, routing table, stores, server, client and iterative queries. */
package dev.speglar.p2p.kad;
