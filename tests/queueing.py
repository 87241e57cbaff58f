"""Queueing theory to check the engine against: Erlang C (M/M/c), Erlang A (M/M/c+M), and
Cobham's non-preemptive priority M/M/c."""

from __future__ import annotations

import math

import numpy as np


def erlang_c(servers: int, arrival_rate: float, service_rate: float) -> float:
    """Probability that an arrival waits in an M/M/c queue."""
    load = arrival_rate / service_rate
    if load >= servers:
        return 1.0
    erlang_b = 1.0
    for k in range(1, servers + 1):  # stable recursion for Erlang B
        erlang_b = load * erlang_b / (k + load * erlang_b)
    rho = load / servers
    return erlang_b / (1 - rho + rho * erlang_b)


def erlang_c_mean_wait(servers: int, arrival_rate: float, service_rate: float) -> float:
    """Mean wait in queue of all arrivals in an M/M/c queue."""
    return erlang_c(servers, arrival_rate, service_rate) / (servers * service_rate - arrival_rate)


def erlang_c_service_level(
    servers: int, arrival_rate: float, service_rate: float, target: float
) -> float:
    """Probability of waiting no longer than `target` in an M/M/c queue."""
    waits = erlang_c(servers, arrival_rate, service_rate)
    return 1 - waits * math.exp(-(servers * service_rate - arrival_rate) * target)


def erlang_a_abandonment(
    servers: int, arrival_rate: float, service_rate: float, abandon_rate: float, states: int = 2000
) -> float:
    """Probability of abandoning in an M/M/c+M queue, from its birth–death chain."""
    # stationary probabilities up to `states` customers in the system, in logs for stability
    log_p = np.zeros(states)
    for n in range(1, states):
        death = min(n, servers) * service_rate + max(n - servers, 0) * abandon_rate
        log_p[n] = log_p[n - 1] + math.log(arrival_rate / death)
    p = np.exp(log_p - log_p.max())
    p /= p.sum()
    queued = np.maximum(np.arange(states) - servers, 0)
    # abandonments per unit time over arrivals per unit time (PASTA)
    return float((p * queued * abandon_rate).sum() / arrival_rate)


def priority_mean_waits(
    servers: int, arrival_rates: list[float], service_rate: float
) -> list[float]:
    """Mean wait in queue of each class of a non-preemptive priority M/M/c queue (Cobham).

    Classes are listed from the highest priority down and share one service rate:
    W_k = P_W / (c μ (1 − σ_{k−1}) (1 − σ_k)), σ_k the load of classes 1..k per server
    and P_W the Erlang C probability of waiting for the total load.
    """
    waits = erlang_c(servers, sum(arrival_rates), service_rate)
    capacity = servers * service_rate
    result, above = [], 0.0
    for rate in arrival_rates:
        upto = above + rate / capacity
        result.append(waits / (capacity * (1 - above) * (1 - upto)))
        above = upto
    return result
