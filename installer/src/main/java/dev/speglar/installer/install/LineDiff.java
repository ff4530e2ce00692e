package dev.speglar.installer.install;

import java.util.ArrayList;
import java.util.List;

/** A small LCS line diff for showing config changes; config files are at most a few hundred lines. */
final class LineDiff {

    private static final int MAX_LINES = 5000;

    private LineDiff() {}

    private static List<String> lines(String s) {
        if (s.isEmpty()) return List.of();
        List<String> l = new ArrayList<>(List.of(s.split("\n", -1)));
        if (s.endsWith("\n")) l.removeLast();
        return l;
    }

    static String diff(String a, String b) {
        List<String> x = lines(a);
        List<String> y = lines(b);
        if (x.size() > MAX_LINES || y.size() > MAX_LINES) return "  (file too large to diff)\n";
        int[][] lcs = new int[x.size() + 1][y.size() + 1];
        for (int i = x.size() - 1; i >= 0; i--) {
            for (int j = y.size() - 1; j >= 0; j--) {
                lcs[i][j] = x.get(i).equals(y.get(j)) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        List<String> out = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < x.size() || j < y.size()) {
            if (i < x.size() && j < y.size() && x.get(i).equals(y.get(j))) {
                i++;
                j++;
            } else if (i < x.size() && (j == y.size() || lcs[i + 1][j] >= lcs[i][j + 1])) {
                out.add("  - " + x.get(i++));
            } else {
                out.add("  + " + y.get(j++));
            }
        }
        return out.isEmpty() ? "" : String.join("\n", out) + "\n";
    }
}
