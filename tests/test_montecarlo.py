"""Seeds, replications and summaries: reproducible whatever the number of processes."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from scipy import stats

from cxsim import run
from cxsim.metrics import Replication
from cxsim.montecarlo import replication_seeds
from cxsim.output import to_json
from cxsim.statistics import kaplan_meier_quantiles, mean_ci
from tests.helpers import scenario

SMALL = """
    name: small
    horizon: 8h
    warmup: 30min
    replications: 6
    seed: 3
    customers:
      arrivals: 2/min
      journey: support
      patience: {exponential: {mean: 3min}}
    teams:
      agents: {size: 3, channels: [phone]}
    journeys:
      support:
        start: call
        steps:
          call: {type: contact, team: agents, handle_time: {lognormal: {mean: 80s, sd: 40s}}}
"""


def test_same_seed_same_summary_for_any_number_of_jobs() -> None:
    model = scenario(SMALL)
    one = to_json(run(model, jobs=1).summary())
    two = to_json(run(model, jobs=2).summary())
    assert one == two
    assert json.loads(one)["replications"] == 6


def test_another_seed_gives_other_numbers() -> None:
    model = scenario(SMALL)
    assert (
        run(model, seed=3, replications=2).summary() != run(model, seed=4, replications=2).summary()
    )


def test_replication_seeds_are_spawned_from_the_base_seed() -> None:
    seeds = replication_seeds(7, 4)
    expected = np.random.SeedSequence(7).spawn(4)
    assert [s.spawn_key for s in seeds] == [s.spawn_key for s in expected]
    # replication i is the same whatever the number of replications
    assert (
        replication_seeds(7, 9)[2].generate_state(4).tolist() == seeds[2].generate_state(4).tolist()
    )


def test_first_replications_do_not_depend_on_how_many_follow() -> None:
    model = scenario(SMALL)
    few = run(model, replications=2).replications
    many = run(model, replications=4).replications
    # repr: a metric without cases (nan) must match too, and nan != nan
    assert repr([r.metrics for r in few]) == repr([r.metrics for r in many[:2]])


def test_interrupted_run_keeps_finished_replications() -> None:
    model = scenario(SMALL)
    seen: list[Replication] = []

    def stop_after_two(replication: Replication) -> None:
        seen.append(replication)
        if len(seen) == 2:
            raise KeyboardInterrupt

    results = run(model, jobs=1, on_replication=stop_after_two)
    assert results.interrupted
    assert not results.complete
    assert [r.index for r in results.replications] == [0, 1]
    summary = results.summary()
    assert summary["replications"] == 2 and summary["requested_replications"] == 6


def test_mean_ci_is_the_student_t_interval() -> None:
    values = [1.0, 2.0, 4.0, 7.0]
    entry = mean_ci(values)
    low, high = stats.t.interval(0.95, df=3, loc=np.mean(values), scale=stats.sem(values))
    assert entry["mean"] == pytest.approx(3.5)
    assert entry["ci95"] == pytest.approx([low, high])
    assert mean_ci([5.0]) == {"mean": 5.0, "ci95": [None, None]}
    assert mean_ci([math.nan, math.nan])["mean"] is None


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_kaplan_meier_quantiles_match_scipy(seed: int) -> None:
    rng = np.random.default_rng(seed)
    times = rng.exponential(10, 500)
    censor = rng.uniform(0, 25, 500)
    observed = times <= censor
    durations = np.minimum(times, censor)
    fitted = stats.ecdf(
        stats.CensoredData(uncensored=durations[observed], right=durations[~observed])
    ).cdf
    for q, ours in zip(
        (0.5, 0.9, 0.99), kaplan_meier_quantiles(durations, observed, (0.5, 0.9, 0.99)), strict=True
    ):
        reached = fitted.quantiles[fitted.probabilities >= q - 1e-12]
        assert ours == (reached[0] if len(reached) else math.inf)


def test_kaplan_meier_without_censoring_is_the_empirical_quantile() -> None:
    values = np.arange(1.0, 101.0)
    assert kaplan_meier_quantiles(values, np.ones(100, bool), (0.5, 0.9)) == [50.0, 90.0]
    assert kaplan_meier_quantiles(values, np.zeros(100, bool), (0.5,)) == [math.inf]


def test_a_failed_replication_is_recorded_not_fatal(monkeypatch: pytest.MonkeyPatch) -> None:
    import cxsim.montecarlo as montecarlo

    real = montecarlo.simulate

    def flaky(scenario, seed, index, warmup, recorder=None, worst=True):  # type: ignore[no-untyped-def]
        if index == 1:
            raise RuntimeError("boom in replication one")
        return real(scenario, seed, index, warmup, recorder, worst)

    monkeypatch.setattr(montecarlo, "simulate", flaky)
    results = run(scenario(SMALL), replications=3, jobs=1)
    assert [r.index for r in results.replications] == [0, 2]
    assert [index for index, _ in results.failed] == [1]
    assert "boom in replication one" in results.failed[0][1]
    assert results.summary()["failed_replications"][0]["index"] == 1
