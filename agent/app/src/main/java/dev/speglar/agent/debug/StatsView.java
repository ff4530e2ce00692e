package dev.speglar.agent.debug;

import dev.speglar.routing.Peer;
import dev.speglar.store.Image;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** The stats fragment: boxes for this node, then the peer and image tables. Every value is escaped. */
record StatsView(
        String peerId,
        List<InetAddress> addresses,
        Optional<Instant> lastMirrorSuccess,
        List<Peer> peers,
        List<Image> images,
        Instant now) {

    String render() {
        StringBuilder b = new StringBuilder("<div class=\"stat-container\">\n");
        box(b, "peer-id", "Peer ID", peerId.isEmpty() ? "standalone" : peerId, "info");
        for (InetAddress a : addresses) {
            box(b, "local-address", "Local Address", a.getHostAddress(), "info");
        }
        box(
                b,
                "last-mirror-success",
                "Last Mirror Success",
                lastMirrorSuccess
                        .map(t -> Formats.duration(
                                        Duration.between(t, now).isNegative()
                                                ? Duration.ZERO
                                                : Duration.between(t, now))
                                + " ago")
                        .orElse("Pending"),
                lastMirrorSuccess.isPresent() ? "good" : "wait");
        box(b, "image-count", "Images", Integer.toString(images.size()), images.isEmpty() ? "bad" : "good");
        box(b, "peer-count", "Connected Peers", Integer.toString(peers.size()), peers.isEmpty() ? "bad" : "good");
        b.append("</div>\n");
        if (!peers.isEmpty()) {
            b.append("<div class=\"section-container\"><h2>Peer Network Status</h2>\n<table id=\"peers\">\n")
                    .append("<tr><th>ID</th><th>Addresses</th></tr>\n");
            for (Peer p : peers) {
                b.append("<tr><td>")
                        .append(Html.text(p.id()))
                        .append("</td><td>")
                        .append(Html.text(p.addresses().stream()
                                .map(InetAddress::getHostAddress)
                                .collect(Collectors.joining(", "))))
                        .append("</td></tr>\n");
            }
            b.append("</table></div>\n");
        }
        if (!images.isEmpty()) {
            b.append("<div class=\"section-container\"><h2>Available Images</h2>\n<table id=\"images\">\n")
                    .append("<tr><th>Name</th><th>Tag</th><th>Digest</th></tr>\n");
            for (Image i : images) {
                b.append("<tr><td>")
                        .append(Html.text(i.name().registry() + "/" + i.name().repository()))
                        .append("</td><td>")
                        .append(Html.text(i.name().tag() == null ? "" : i.name().tag()))
                        .append("</td><td>")
                        .append(Html.text(i.target()))
                        .append("</td></tr>\n");
            }
            b.append("</table></div>\n");
        }
        return b.toString();
    }

    private static void box(StringBuilder b, String id, String title, String value, String state) {
        b.append("<div class=\"stat-box ")
                .append(state)
                .append("\" id=\"")
                .append(id)
                .append("\">")
                .append("<div class=\"stat-title\">")
                .append(title)
                .append("</div>")
                .append("<div class=\"stat-value\">")
                .append(Html.text(value))
                .append("</div></div>\n");
    }
}
