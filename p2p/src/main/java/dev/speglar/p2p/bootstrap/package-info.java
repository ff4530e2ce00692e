/** Bootstrap sources (static, DNS, HTTP) and the retry loop that connects to them. */
package dev.speglar.p2p.bootstrap;
