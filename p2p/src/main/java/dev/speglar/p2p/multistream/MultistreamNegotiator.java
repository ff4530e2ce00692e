package dev.speglar.p2p.multistream;

import dev.speglar.p2p.P2pProtocolException;
import io.netty.buffer.ByteBuf;
import java.util.function.Predicate;

/**
 * One multistream-select 1.0 negotiation as a pure state machine: {@link #start} and {@link #feed} append bytes
 * to send to {@code out}; {@link #feed} returns the agreed protocol once done and leaves later bytes in {@code in}.
 */
public final class MultistreamNegotiator {
    private static final int MAX_PROPOSALS = 16;

    private final String proposal;
    private final Predicate<String> supported;
    private boolean headerSeen;
    private int proposals;
    private String selected;

    private MultistreamNegotiator(String proposal, Predicate<String> supported) {
        this.proposal = proposal;
        this.supported = supported;
    }

    /** The dialer side, proposing exactly one protocol. */
    public static MultistreamNegotiator dialer(String protocol) {
        return new MultistreamNegotiator(protocol, null);
    }

    /** The listener side, accepting the first proposal {@code supported} allows and answering "na" to the rest. */
    public static MultistreamNegotiator listener(Predicate<String> supported) {
        return new MultistreamNegotiator(null, supported);
    }

    /** Our opening bytes: the header, plus the proposal when dialing (pipelined as go and js do). */
    public void start(ByteBuf out) {
        out.writeBytes(MultistreamMessages.encode(MultistreamMessages.HEADER));
        if (proposal != null) {
            out.writeBytes(MultistreamMessages.encode(proposal));
        }
    }

    public String selected() {
        return selected;
    }

    public String feed(ByteBuf in, ByteBuf out) {
        while (selected == null) {
            String msg = MultistreamMessages.tryRead(in);
            if (msg == null) {
                return null;
            }
            if (!headerSeen) {
                if (!MultistreamMessages.HEADER.equals(msg)) {
                    throw new P2pProtocolException("expected multistream header, got '" + abbreviate(msg) + "'");
                }
                headerSeen = true;
            } else if (proposal != null) {
                if (msg.equals(proposal)) {
                    selected = proposal;
                } else if (msg.equals(MultistreamMessages.NA)) {
                    throw new ProtocolNotSupportedException(proposal);
                } else {
                    throw new P2pProtocolException("unexpected multistream answer '" + abbreviate(msg) + "'");
                }
            } else {
                if (++proposals > MAX_PROPOSALS) {
                    throw new P2pProtocolException("too many multistream proposals");
                }
                if (!msg.equals("ls") && supported.test(msg)) {
                    selected = msg;
                    out.writeBytes(MultistreamMessages.encode(msg));
                } else {
                    out.writeBytes(MultistreamMessages.encode(MultistreamMessages.NA));
                }
            }
        }
        return selected;
    }

    private static String abbreviate(String s) {
        return s.length() > 64 ? s.substring(0, 64) + "…" : s;
    }
}
