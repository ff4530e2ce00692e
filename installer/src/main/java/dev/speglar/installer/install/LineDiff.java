package dev.speglar.installer.install;

import java.util.ArrayList;
import java.util.List;

/** A small LCS line diff for showing config changes; config files are at most a few hundred lines. */
final class LineDiff {

    private static final int MAX_LINES = 5000;

    private LineDiff() {}

    static String diff(String a, String b) {
        List<String> x = a.isEmpty() ? List.of() : List.of(a.split("\n", -1));
        List<String> y = b.isEmpty() ? List.of() : List.of(b.split("\n", -1));
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
            } else if (j < y.size() && (i == x.size() || lcs[i][j + 1] >= lcs[i + 1][j])) {
                out.add("  + " + y.get(j++));
            } else {
                out.add("  - " + x.get(i++));
            }
        }
        return out.isEmpty() ? "" : String.join("\n", out) + "\n";
    }
}
