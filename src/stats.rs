//! Association and keyness statistics shared by the aggregate stage.
//!
//! Input: counts (`u64`). Output: `f64` statistics. Every function is total: degenerate
//! tables (zero totals, empty cells) give a defined value, never NaN or a panic.
//!
//! Formulas:
//! - [`g2_2x2`]: Dunning's log-likelihood ratio of a 2×2 contingency table,
//!   `G² = 2 Σ O·ln(O/E)` over the four cells, `E = row total × column total / N`,
//!   `0·ln 0 = 0`.
//! - [`chi2_sf_1df`]: the chi-square survival function with one degree of freedom,
//!   `P(X ≥ x) = erfc(√(x/2))`.
//! - [`benjamini_hochberg`]: step-up false discovery rate adjustment, monotone, capped at 1.
//! - [`keyness`]: signed G² of a count in a group against the rest of the corpus, and the
//!   log ratio of relative frequencies.
//! - [`tf_idf`]: `count × ln(N groups / groups containing the term)`.
//!
//! This module does not decide which counts to compare; `cooccur` and `collocations` do.

/// Dunning log-likelihood `G²` of the 2×2 table `[[k11, k12], [k21, k22]]`.
///
/// Returns 0 for an empty table or a table with an empty row or column (no evidence of
/// association). Never negative.
pub fn g2_2x2(k11: u64, k12: u64, k21: u64, k22: u64) -> f64 {
    let cells = [k11 as f64, k12 as f64, k21 as f64, k22 as f64];
    let rows = [cells[0] + cells[1], cells[2] + cells[3]];
    let cols = [cells[0] + cells[2], cells[1] + cells[3]];
    let n = rows[0] + rows[1];
    if n <= 0.0 {
        return 0.0;
    }
    let mut sum = 0.0;
    for (i, &observed) in cells.iter().enumerate() {
        if observed > 0.0 {
            let expected = rows[i / 2] * cols[i % 2] / n;
            sum += observed * (observed / expected).ln();
        }
    }
    // Rounding can make a perfectly independent table come out at -1e-16.
    (2.0 * sum).max(0.0)
}

/// Survival function of the chi-square distribution with one degree of freedom:
/// `P(X ≥ x) = erfc(√(x/2))`; 1 for `x ≤ 0` or NaN.
pub fn chi2_sf_1df(x: f64) -> f64 {
    if x.is_nan() || x <= 0.0 {
        return 1.0;
    }
    libm::erfc((x / 2.0).sqrt()).clamp(0.0, 1.0)
}

/// Benjamini–Hochberg adjusted p-values, in the order of `p_values`.
///
/// `adj(i) = min over ranks r ≥ rank(i) of p(r) · m / r`, capped at 1, where `m` is the number
/// of p-values. NaN inputs are treated as 1.
pub fn benjamini_hochberg(p_values: &[f64]) -> Vec<f64> {
    let m = p_values.len();
    let clean = |p: f64| if p.is_nan() { 1.0 } else { p.clamp(0.0, 1.0) };
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&a, &b| {
        clean(p_values[a])
            .total_cmp(&clean(p_values[b]))
            .then(a.cmp(&b))
    });
    let mut adjusted = vec![1.0; m];
    let mut running_min: f64 = 1.0;
    for (rank0, &i) in order.iter().enumerate().rev() {
        let value = clean(p_values[i]) * m as f64 / (rank0 + 1) as f64;
        running_min = running_min.min(value);
        adjusted[i] = running_min.min(1.0);
    }
    adjusted
}

/// Keyness of a term counted `a` times in a group of `group_total` tokens against `b` times
/// in the rest of the corpus (`rest_total` tokens).
///
/// Returns `(signed_g2, log_ratio)`:
/// - `signed_g2`: [`g2_2x2`] of `[[a, group_total − a], [b, rest_total − b]]`, negative when
///   the group's relative frequency is below the rest's;
/// - `log_ratio`: `log2((a'/group_total) / (b'/rest_total))`, where a zero count is replaced
///   by 0.5 (so a term absent from one side gets a finite ratio).
///
/// Both are 0 when either total is 0 (nothing to compare). Counts above their totals are
/// clamped to the totals.
pub fn keyness(a: u64, group_total: u64, b: u64, rest_total: u64) -> (f64, f64) {
    if group_total == 0 || rest_total == 0 {
        return (0.0, 0.0);
    }
    let a = a.min(group_total);
    let b = b.min(rest_total);
    let g2 = g2_2x2(a, group_total - a, b, rest_total - b);
    let freq_group = a as f64 / group_total as f64;
    let freq_rest = b as f64 / rest_total as f64;
    let sign = if freq_group < freq_rest { -1.0 } else { 1.0 };
    let smooth = |count: u64| if count == 0 { 0.5 } else { count as f64 };
    let log_ratio = ((smooth(a) / group_total as f64) / (smooth(b) / rest_total as f64)).log2();
    (sign * g2, log_ratio)
}

/// tf-idf of a term counted `count` times in a group: `count × ln(n_groups / groups_with_term)`.
///
/// 0 when `groups_with_term` is 0 or `n_groups` is 0.
pub fn tf_idf(count: u64, n_groups: u64, groups_with_term: u64) -> f64 {
    if groups_with_term == 0 || n_groups == 0 {
        return 0.0;
    }
    count as f64 * (n_groups as f64 / groups_with_term as f64).ln()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(got: f64, want: f64) {
        assert!((got - want).abs() < 1e-9, "got {got}, want {want}");
    }

    #[test]
    fn g2_of_a_hand_table() {
        // [[3, 1], [2, 4]]: rows 4, 6; columns 5, 5; N = 10.
        // E = [[2, 2], [3, 3]].
        // G² = 2 (3 ln 1.5 + 1 ln 0.5 + 2 ln(2/3) + 4 ln(4/3))
        //    = 2 (1.216395 − 0.693147 − 0.810930 + 1.150728) = 2 × 0.863046 = 1.726092
        close(g2_2x2(3, 1, 2, 4), 1.726_092_434_710_684_7);
        // Independence: [[1, 1], [1, 1]] -> 0.
        close(g2_2x2(1, 1, 1, 1), 0.0);
        close(g2_2x2(0, 0, 0, 0), 0.0);
        close(g2_2x2(5, 0, 0, 0), 0.0);
    }

    #[test]
    fn chi2_survival() {
        // The 5 % critical value of chi-square(1) is 3.841459.
        close(chi2_sf_1df(3.841_458_820_694_124), 0.05);
        // erfc(√(1.726092 / 2)) = erfc(0.929003) = 0.188911
        close(
            chi2_sf_1df(1.726_092_434_710_684_7),
            0.188_910_700_005_692_07,
        );
        close(chi2_sf_1df(0.0), 1.0);
        close(chi2_sf_1df(-3.0), 1.0);
        assert!(chi2_sf_1df(1e6) >= 0.0);
    }

    #[test]
    fn bh_by_hand() {
        // Sorted: 0.01 (r1), 0.03 (r2), 0.04 (r3), 0.20 (r4); m = 4.
        // p·m/r = 0.04, 0.06, 0.05333, 0.20; running minimum from the top:
        // 0.20, 0.05333, 0.05333, 0.04.
        let adjusted = benjamini_hochberg(&[0.01, 0.04, 0.03, 0.20]);
        let want = [0.04, 0.04 * 4.0 / 3.0, 0.04 * 4.0 / 3.0, 0.20];
        for (got, want) in adjusted.iter().zip(want) {
            close(*got, want);
        }
        assert!(benjamini_hochberg(&[]).is_empty());
        close(benjamini_hochberg(&[0.9, 0.8])[0], 0.9);
        close(benjamini_hochberg(&[f64::NAN])[0], 1.0);
    }

    #[test]
    fn keyness_by_hand() {
        // a = 10 of 1000, b = 20 of 9000: table [[10, 990], [20, 8980]], N = 10000.
        // E11 = 1000 × 30 / 10000 = 3, E12 = 997, E21 = 27, E22 = 8973.
        // G² = 2 (10 ln(10/3) + 990 ln(990/997) + 20 ln(20/27) + 8980 ln(8980/8973)) = 12.129995
        // log ratio = log2(0.01 / 0.0022222) = log2(4.5) = 2.169925
        let (g2, lr) = keyness(10, 1000, 20, 9000);
        close(g2, 12.129_994_666_211_967);
        close(lr, 2.169_925_001_442_312);
        // Absent from the group: negative G², log2((0.5/1000)/(20/9000)) = log2(0.225) = −2.152003
        let (g2, lr) = keyness(0, 1000, 20, 9000);
        close(g2, -4.218_871_335_831_014);
        close(lr, -2.152_003_093_445_05);
        assert_eq!(keyness(3, 0, 1, 10), (0.0, 0.0));
        assert_eq!(keyness(3, 10, 1, 0), (0.0, 0.0));
    }

    #[test]
    fn tf_idf_by_hand() {
        // 7 × ln(5 / 2) = 7 × 0.916291 = 6.414035
        close(tf_idf(7, 5, 2), 6.414_035_123_119_086);
        close(tf_idf(7, 5, 5), 0.0);
        close(tf_idf(7, 5, 0), 0.0);
    }
}
