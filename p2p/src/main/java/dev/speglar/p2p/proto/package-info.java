/** Hand-written protobuf encoding and decoding for the few libp2p messages, with bounded lengths. */
package dev.speglar.p2p.proto;
