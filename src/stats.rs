//! Corpus statistics used by the grouped tables: Dunning's log-likelihood (G²) keyness, the
//! log ratio, tf-idf. Formulas are in the README ("Statistics").

/// `x · ln(x / e)`, with the convention `0 · ln 0 = 0`.
fn xlnx(x: f64, e: f64) -> f64 {
    if x > 0.0 && e > 0.0 {
        x * (x / e).ln()
    } else {
        0.0
    }
}

/// Keyness of a word seen `a` times in a group of `group_total` tokens against `b` times in
/// the rest of the corpus (`rest_total` tokens).
///
/// Returns `(g2, log_ratio)`: Dunning's log-likelihood `G² = 2 Σ O ln(O/E)` over the two
/// cells, signed negative when the group uses the word less than the rest; and
/// `log2((a/group_total) / (b/rest_total))` with 0.5 in place of a zero count. `None` when
/// either side has no tokens (a corpus of one group has no "rest").
pub fn keyness(a: u64, group_total: u64, b: u64, rest_total: u64) -> Option<(f64, f64)> {
    if group_total == 0 || rest_total == 0 {
        return None;
    }
    let (a, b, n1, n2) = (a as f64, b as f64, group_total as f64, rest_total as f64);
    let e1 = n1 * (a + b) / (n1 + n2);
    let e2 = n2 * (a + b) / (n1 + n2);
    let g2 = 2.0 * (xlnx(a, e1) + xlnx(b, e2));
    let (fa, fb) = (a / n1, b / n2);
    let signed = if fa < fb { -g2 } else { g2 };
    let ratio = (a.max(0.5) / n1) / (b.max(0.5) / n2);
    Some((signed, ratio.log2()))
}

/// tf-idf of a word counted `count` times in a group, present in `groups_with` of `groups`
/// groups: `count · ln(groups / groups_with)`.
pub fn tf_idf(count: u64, groups: usize, groups_with: usize) -> f64 {
    if groups_with == 0 {
        return 0.0;
    }
    count as f64 * (groups as f64 / groups_with as f64).ln()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-6
    }

    #[test]
    fn keyness_by_hand() {
        // a = 10 of 1000 tokens in the group, b = 10 of 9000 in the rest.
        // E1 = 1000·20/10000 = 2, E2 = 9000·20/10000 = 18.
        // G² = 2·(10·ln(10/2) + 10·ln(10/18)) = 2·(16.094379 − 5.877867) = 20.433025.
        // log ratio = log2((10/1000)/(10/9000)) = log2(9) = 3.169925.
        let (g2, lr) = keyness(10, 1000, 10, 9000).unwrap();
        assert!(close(g2, 20.433025), "{g2}");
        assert!(close(lr, 3.169925), "{lr}");
        // Under-use is negative; a zero count takes 0.5 in the ratio.
        let (g2, lr) = keyness(0, 1000, 20, 9000).unwrap();
        assert!(g2 < 0.0);
        assert!(close(lr, ((0.5 / 1000.0) / (20.0 / 9000.0_f64)).log2()));
        assert_eq!(keyness(3, 10, 0, 0), None);
    }

    #[test]
    fn tf_idf_by_hand() {
        // 4 · ln(5/1) = 6.437752
        assert!(close(tf_idf(4, 5, 1), 6.437752));
        assert_eq!(tf_idf(4, 5, 5), 0.0);
    }
}
