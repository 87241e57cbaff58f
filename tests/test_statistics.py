"""The statistics module against scipy, hand-worked examples and definitions written out."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from cxsim.statistics import (
    clopper_pearson,
    cumulative_incidence,
    cumulative_incidence_quantiles,
    holm,
    kaplan_meier_quantiles,
    mean_ci,
    mser5_truncation,
    one_sided_worse_p,
    t_quantile,
)

# --- t quantile, Clopper–Pearson, mean_ci ------------------------------------------------


@pytest.mark.parametrize(("confidence", "df"), [(0.95, 1), (0.95, 9), (0.9, 29), (0.99, 4)])
def test_t_quantile_is_the_two_sided_student_quantile(confidence: float, df: int) -> None:
    assert t_quantile(confidence, df) == pytest.approx(stats.t.ppf(0.5 + confidence / 2, df))


@pytest.mark.parametrize(
    ("successes", "trials", "confidence"), [(3, 10, 0.95), (17, 400, 0.95), (45, 50, 0.9)]
)
def test_clopper_pearson_matches_scipy(successes: int, trials: int, confidence: float) -> None:
    alpha = 1 - confidence
    expected = (
        stats.beta.ppf(alpha / 2, successes, trials - successes + 1),
        stats.beta.ppf(1 - alpha / 2, successes + 1, trials - successes),
    )
    assert clopper_pearson(successes, trials, confidence) == pytest.approx(expected, rel=1e-10)
    exact = stats.binomtest(successes, trials).proportion_ci(confidence, method="exact")
    assert clopper_pearson(successes, trials, confidence) == pytest.approx(
        (exact.low, exact.high), rel=1e-10
    )


def test_clopper_pearson_at_the_edges_has_closed_forms() -> None:
    # P(no success in n) = (1 - p)^n = 0.025 gives the upper bound; about 3.69 / n.
    n = 200
    assert clopper_pearson(0, n) == pytest.approx((0.0, 1 - 0.025 ** (1 / n)), rel=1e-10)
    assert clopper_pearson(0, n)[1] == pytest.approx(3.69 / n, rel=0.01)
    assert clopper_pearson(n, n) == pytest.approx((0.025 ** (1 / n), 1.0), rel=1e-10)
    assert clopper_pearson(0, 0) == (0.0, 1.0)


def test_clopper_pearson_rounds_pooled_float_counts() -> None:
    # 0.37 × 100 summed over replications is not exactly 37 in floating point.
    assert clopper_pearson(0.1 * 100 + 0.27 * 100, 100.0000001) == clopper_pearson(37, 100)
    with pytest.raises(ValueError, match="successes"):
        clopper_pearson(11, 10)


def test_mean_ci_is_the_student_t_interval_and_stays_backward_compatible() -> None:
    values = [1.0, 2.0, 4.0, 7.0, math.nan]
    finite = values[:4]
    for confidence in (0.95, 0.9):
        low, high = stats.t.interval(confidence, df=3, loc=np.mean(finite), scale=stats.sem(finite))
        entry = mean_ci(values, confidence)
        assert entry["mean"] == pytest.approx(3.5)
        assert entry["ci95"] == pytest.approx([low, high])
    assert mean_ci([5.0]) == {"mean": 5.0, "ci95": [None, None]}
    assert mean_ci([math.nan, math.nan]) == {"mean": None, "ci95": [None, None]}
    assert mean_ci([]) == {"mean": None, "ci95": [None, None]}


def test_mean_ci_clips_the_interval_to_the_domain() -> None:
    values = [0.0, 0.0, 0.1]  # the t interval reaches below zero
    low, high = stats.t.interval(0.95, df=2, loc=np.mean(values), scale=stats.sem(values))
    assert low < 0
    entry = mean_ci(values, domain=(0.0, 1.0))
    assert entry["ci95"] == pytest.approx([0.0, high])
    assert mean_ci([0.9, 1.0, 1.0], domain=(0.0, 1.0))["ci95"][1] == 1.0
    assert mean_ci(values)["ci95"][0] == pytest.approx(low)


def test_mean_ci_of_a_rate_without_variation_is_the_exact_binomial_interval() -> None:
    # Ten replications of 100 cases each, no case ever orphaned: the t interval would be
    # [0, 0]; the honest statement is "below about 3.7 / 1000".
    entry = mean_ci([0.0] * 10, domain=(0.0, 1.0), pooled=(0.0, 1000.0))
    assert entry["mean"] == 0.0
    assert entry["ci95"] == pytest.approx([0.0, 1 - 0.025 ** (1 / 1000)])
    assert entry["ci95"][1] == pytest.approx(3.69 / 1000, rel=0.01)
    every = mean_ci([1.0, 1.0, 1.0], domain=(0.0, 1.0), pooled=(300.0, 300.0))
    assert every["ci95"] == pytest.approx([0.025 ** (1 / 300), 1.0])
    half = mean_ci([0.5, 0.5], 0.9, (0.0, 1.0), (50.0, 100.0))
    assert half["ci95"] == pytest.approx(list(clopper_pearson(50, 100, 0.9)))
    # Without pooled counts a constant is reported as it is.
    assert mean_ci([0.0] * 10, domain=(0.0, 1.0))["ci95"] == [0.0, 0.0]


def test_mean_ci_keeps_the_t_interval_when_a_rate_varies() -> None:
    values = [0.1, 0.2, 0.15]
    pooled = (45.0, 300.0)
    low, high = stats.t.interval(0.95, df=2, loc=np.mean(values), scale=stats.sem(values))
    entry = mean_ci(values, domain=(0.0, 1.0), pooled=pooled)
    assert entry["ci95"] == pytest.approx([max(low, 0.0), high])


# --- cumulative incidence ----------------------------------------------------------------


def reference_incidence(durations: np.ndarray, status: np.ndarray) -> tuple[list, list]:
    """The Aalen–Johansen estimator written as its definition, one time at a time."""
    survival, incidence = 1.0, 0.0
    times, values = [], []
    for t in sorted(set(durations.tolist())):
        at_risk = int((durations >= t).sum())
        d1 = int(((durations == t) & (status == 1)).sum())
        d2 = int(((durations == t) & (status == 2)).sum())
        if d1 + d2 == 0:
            continue
        incidence += survival * d1 / at_risk
        survival *= 1 - (d1 + d2) / at_risk
        times.append(t)
        values.append(incidence)
    return times, values


def test_cumulative_incidence_hand_worked_with_censoring_and_competing_events() -> None:
    durations = np.array([1, 2, 3, 3, 4, 5, 6, 7], dtype=float)
    status = np.array([1, 2, 0, 1, 1, 2, 1, 0])
    # t=1: 8 at risk, resolved: F += 1 · 1/8 = 4/32; S = 7/8
    # t=2: 7 at risk, gave up:  F stays;            S = 7/8 · 6/7 = 3/4
    # t=3: 6 at risk (the case censored at 3 counts), resolved: F += 3/4 · 1/6 → 8/32; S = 5/8
    # t=4: 4 at risk, resolved: F += 5/8 · 1/4 → 13/32; S = 15/32
    # t=5: 3 at risk, gave up:  F stays;              S = 15/32 · 2/3 = 5/16
    # t=6: 2 at risk, resolved: F += 5/16 · 1/2 → 18/32; t=7 is censored: no event time.
    times, incidence = cumulative_incidence(durations, status)
    assert times.tolist() == [1, 2, 3, 4, 5, 6]
    assert incidence == pytest.approx(np.array([4, 4, 8, 13, 13, 18]) / 32, rel=1e-12)
    quantiles = cumulative_incidence_quantiles(
        durations, status, [0.1, 0.125, 0.2, 0.25, 0.4, 0.5, 18 / 32, 0.6]
    )
    assert quantiles == [1.0, 1.0, 3.0, 3.0, 4.0, 6.0, 6.0, math.inf]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_cumulative_incidence_matches_its_definition_on_tied_data(seed: int) -> None:
    rng = np.random.default_rng(seed)
    durations = rng.integers(0, 15, 300).astype(float)  # many ties across the three kinds
    status = rng.choice([0, 1, 2], 300, p=[0.3, 0.5, 0.2])
    times, incidence = cumulative_incidence(durations, status)
    expected_times, expected = reference_incidence(durations, status)
    assert times.tolist() == expected_times
    assert incidence == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("seed", [0, 1])
def test_both_incidences_and_survival_add_up_to_one(seed: int) -> None:
    rng = np.random.default_rng(seed)
    durations = rng.integers(1, 30, 1000).astype(float)
    status = rng.choice([0, 1, 2], 1000, p=[0.2, 0.6, 0.2])
    times, resolved = cumulative_incidence(durations, status)
    swapped = np.choose(status, [0, 2, 1])
    _, gave_up = cumulative_incidence(durations, swapped)
    fitted = stats.ecdf(
        stats.CensoredData(uncensored=durations[status > 0], right=durations[status == 0])
    ).cdf
    assert resolved + gave_up == pytest.approx(fitted.evaluate(times), rel=1e-10)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_without_competing_events_incidence_is_one_minus_kaplan_meier(seed: int) -> None:
    rng = np.random.default_rng(seed)
    times = np.round(rng.exponential(10, 2000), 1)
    censor = np.round(rng.uniform(0, 30, 2000), 1)
    observed = times <= censor
    durations = np.minimum(times, censor)
    status = observed.astype(int)
    quantiles = [0.1, 0.5, 0.9, 0.99]
    assert cumulative_incidence_quantiles(durations, status, quantiles) == (
        kaplan_meier_quantiles(durations, observed, quantiles)
    )
    event_times, incidence = cumulative_incidence(durations, status)
    fitted = stats.ecdf(
        stats.CensoredData(uncensored=durations[observed], right=durations[~observed])
    ).cdf
    assert incidence == pytest.approx(fitted.evaluate(event_times), rel=1e-10)


def test_without_censoring_incidence_is_the_share_resolved_by_then() -> None:
    durations = np.array([1, 2, 2, 3, 4, 5], dtype=float)
    status = np.array([1, 2, 1, 1, 2, 1])
    times, incidence = cumulative_incidence(durations, status)
    assert times.tolist() == [1, 2, 3, 4, 5]
    assert incidence == pytest.approx(np.array([1, 2, 3, 3, 4]) / 6, rel=1e-12)
    assert cumulative_incidence_quantiles(durations, status, [1 / 6, 0.5, 4 / 6, 0.7]) == [
        1.0,
        3.0,
        5.0,
        math.inf,
    ]


def test_a_quantile_reached_exactly_is_not_lost_to_rounding() -> None:
    # Ten cases resolved at 1..10 min: half are resolved by 5, nine in ten by 9, although
    # the running sums come out a hair below 0.5 and 0.9 in floating point.
    durations = np.arange(1.0, 11.0)
    quantiles = cumulative_incidence_quantiles(durations, np.ones(10, int), [0.4, 0.5, 0.9, 1])
    assert quantiles == [4.0, 5.0, 9.0, 10.0]


def test_a_quantile_beyond_the_share_ever_resolved_is_beyond_reach() -> None:
    rng = np.random.default_rng(7)
    durations = rng.exponential(10, 1000)
    status = np.where(np.arange(1000) < 170, 2, 1)  # 17 % gave up, the rest resolved
    last_resolved = float(durations[status == 1].max())
    p50, p83, p90 = cumulative_incidence_quantiles(durations, status, [0.5, 0.83, 0.9])
    assert math.isfinite(p50)
    assert p83 == last_resolved  # 83 % is reached exactly, by the last resolution
    assert p90 == math.inf
    # 1 − KM treating the gave-up as censored would put p90 within reach: the bias avoided.
    assert math.isfinite(kaplan_meier_quantiles(durations, status == 1, [0.9])[0])


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_weight_counts_an_entry_as_that_many_cases(seed: int) -> None:
    rng = np.random.default_rng(seed)
    durations = rng.integers(0, 20, 200).astype(float)
    status = rng.choice([0, 1, 2], 200, p=[0.2, 0.6, 0.2])
    weights = rng.integers(0, 5, 200)  # some entries hold no case at all
    repeated = np.repeat(durations, weights), np.repeat(status, weights)
    times, incidence = cumulative_incidence(durations, status, weights)
    expected_times, expected = cumulative_incidence(*repeated)
    assert times.tolist() == expected_times.tolist()
    assert incidence == pytest.approx(expected, rel=1e-12)
    quantiles = [0.1, 0.3, 0.5, 0.7, 0.9]
    assert cumulative_incidence_quantiles(durations, status, quantiles, weights) == (
        cumulative_incidence_quantiles(*repeated, quantiles)
    )
    with pytest.raises(ValueError, match="non-negative"):
        cumulative_incidence(durations, status, -weights - 1)
    with pytest.raises(ValueError, match="as long as"):
        cumulative_incidence(durations, status, weights[:-1])


def test_cumulative_incidence_of_nothing_and_of_bad_input() -> None:
    times, incidence = cumulative_incidence(np.array([]), np.array([], dtype=int))
    assert len(times) == len(incidence) == 0
    assert cumulative_incidence_quantiles(np.array([]), np.array([]), [0.5]) == [math.inf]
    only_censored = cumulative_incidence_quantiles(np.ones(3), np.zeros(3, int), [0.5])
    assert only_censored == [math.inf]
    with pytest.raises(ValueError, match="status"):
        cumulative_incidence(np.ones(2), np.array([1, 3]))
    with pytest.raises(ValueError, match="one length"):
        cumulative_incidence(np.ones(2), np.array([1]))


# --- MSER-5 ------------------------------------------------------------------------------


def batches(means: list[float]) -> list[float]:
    """Five observations per batch whose mean is exactly the given value."""
    return [m + offset for m in means for offset in (-2.0, -1.0, 0.0, 1.0, 2.0)]


def test_mser5_hand_worked() -> None:
    # Batch means Y = 6 3 0 1 0 1 0 1 0 1; MSER(d) = Σ(Y − Ȳ)² / (10 − d)² over Y[d:]:
    # d=0: (49 − 13²/10)/100 = 0.321    d=1: (13 − 7²/9)/81 ≈ 0.0933
    # d=2: (4 − 4²/8)/64 = 0.03125      d=3: (4 − 4²/7)/49 ≈ 0.0350
    # d=4: (3 − 3²/6)/36 ≈ 0.0417       d=5: (3 − 3²/5)/25 = 0.048
    series = batches([6, 3, 0, 1, 0, 1, 0, 1, 0, 1])
    assert mser5_truncation(series) == 10
    # An incomplete last batch is dropped, however far off it is.
    assert mser5_truncation([*series, 1000.0, 1000.0, 1000.0, 1000.0]) == 10


def test_mser5_stops_at_half_the_batches() -> None:
    # On a straight line MSER(d) = ((k − d)² − 1) / (12 (k − d)) keeps falling as d grows;
    # only the limit d ≤ k/2 = 5 stops it.
    assert mser5_truncation(batches(list(range(9, -1, -1)))) == 25


def test_mser5_keeps_everything_when_there_is_nothing_to_delete() -> None:
    assert mser5_truncation([3.0] * 500) == 0  # all ties: the first minimum
    assert mser5_truncation(batches([6, 3, 0, 1, 0, 1, 0, 1, 0])) == 0  # 9 batches: too short
    assert mser5_truncation([]) == 0


def test_mser5_rarely_truncates_a_stationary_series() -> None:
    truncations = np.array(
        [mser5_truncation(np.random.default_rng(seed).normal(0, 1, 1000)) for seed in range(200)]
    )
    assert np.median(truncations) <= 25
    assert np.mean(truncations <= 100) >= 0.95


def test_mser5_finds_the_end_of_an_initial_transient() -> None:
    truncations = []
    for seed in range(20):
        series = np.random.default_rng(seed).normal(0, 1, 1000)
        series[:200] += np.linspace(10, 0, 200)  # a ramp down to steady state at 200
        truncations.append(mser5_truncation(series))
    assert 170 <= np.median(truncations) <= 230
    assert min(truncations) >= 140 and max(truncations) <= 320


# --- one-sided test of worsening, Holm ---------------------------------------------------


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("margin", [0.0, 0.5])
@pytest.mark.parametrize("higher_is_better", [False, True])
def test_paired_worse_p_is_scipys_paired_t_test(
    seed: int, margin: float, higher_is_better: bool
) -> None:
    rng = np.random.default_rng(seed)
    old = rng.normal(10, 2, 12)
    new = old + rng.normal(0.8 if not higher_is_better else -0.8, 0.7, 12)
    if higher_is_better:  # worse = lower: old − new > margin
        expected = stats.ttest_rel(new + margin, old, alternative="less").pvalue
    else:  # worse = higher: new − old > margin
        expected = stats.ttest_rel(new - margin, old, alternative="greater").pvalue
    p = one_sided_worse_p(new, old, margin, higher_is_better, paired=True)
    assert p == pytest.approx(expected, rel=1e-9)


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("margin", [0.0, 1.0])
@pytest.mark.parametrize("higher_is_better", [False, True])
def test_unpaired_worse_p_is_welchs_t_test(
    seed: int, margin: float, higher_is_better: bool
) -> None:
    rng = np.random.default_rng(seed)
    old = rng.normal(10, 1, 8)
    new = rng.normal(12 if not higher_is_better else 8, 3, 15)  # unequal sizes and spreads
    if higher_is_better:
        expected = stats.ttest_ind(new + margin, old, equal_var=False, alternative="less")
    else:
        expected = stats.ttest_ind(new - margin, old, equal_var=False, alternative="greater")
    p = one_sided_worse_p(new, old, margin, higher_is_better, paired=False)
    assert p == pytest.approx(expected.pvalue, rel=1e-9)


def test_worse_p_without_spread_is_certain_either_way() -> None:
    old = [10.0, 11.0, 12.0]
    assert one_sided_worse_p([12.0, 13.0, 14.0], old, 1.0, False, paired=True) == 0.0
    assert one_sided_worse_p([11.0, 12.0, 13.0], old, 1.0, False, paired=True) == 1.0
    assert one_sided_worse_p([9.0, 10.0, 11.0], old, 0.5, True, paired=True) == 0.0
    assert one_sided_worse_p([5.0, 5.0], [3.0, 3.0, 3.0], 1.0, False, paired=False) == 0.0
    assert one_sided_worse_p([5.0, 5.0], [3.0, 3.0, 3.0], 1.0, True, paired=False) == 1.0
    # One side constant, the other not: still Welch. Here se² = 1/3 + 0 and the
    # Welch–Satterthwaite df = (1/3)² / ((1/3)² / 2) = 2.
    p = one_sided_worse_p([5.0, 6.0, 7.0], [3.0, 3.0], 0.0, False, paired=False)
    assert p == pytest.approx(stats.t.sf(3 / math.sqrt(1 / 3), 2), rel=1e-9)


def test_worse_p_cannot_show_anything_from_one_value() -> None:
    assert one_sided_worse_p([100.0], [1.0], 0.0, False, paired=True) == 1.0
    assert one_sided_worse_p([100.0], [1.0, 2.0], 0.0, False, paired=False) == 1.0
    assert one_sided_worse_p([100.0, 101.0], [math.nan, 1.0], 0.0, False, paired=True) == 1.0
    with pytest.raises(ValueError, match="margin"):
        one_sided_worse_p([1.0, 2.0], [1.0, 2.0], -1.0, False, paired=True)
    with pytest.raises(ValueError, match="length"):
        one_sided_worse_p([1.0, 2.0], [1.0, 2.0, 3.0], 0.0, False, paired=True)


def test_paired_worse_p_drops_replications_measured_on_one_side_only() -> None:
    new, old = [3.0, 5.0, math.nan, 4.5], [1.0, 2.0, 7.0, 2.0]
    expected = stats.ttest_rel([3.0, 5.0, 4.5], [1.0, 2.0, 2.0], alternative="greater").pvalue
    assert one_sided_worse_p(new, old, 0.0, False, paired=True) == pytest.approx(expected)


def test_holm_steps_down_and_stops_at_the_first_failure() -> None:
    # Sorted 0.005 ≤ .05/4, 0.01 ≤ .05/3, then 0.03 > .05/2: stop.
    assert holm([0.01, 0.04, 0.03, 0.005]) == [True, False, False, True]
    # 0.013 ≤ .05/3, 0.02 ≤ .05/2, 0.04 ≤ .05: all rejected (Bonferroni would reject one).
    assert holm([0.04, 0.013, 0.02]) == [True, True, True]
    # 0.045 ≤ .05 at the last rank, but the step-down stopped at 0.03 > .05/3.
    assert holm([0.045, 0.001, 0.03, 0.04]) == [False, True, False, False]
    assert holm([0.02, 0.03], alpha=0.1) == [True, True]
    assert holm([0.2, math.nan, 0.001]) == [False, False, True]
    assert holm([]) == []
