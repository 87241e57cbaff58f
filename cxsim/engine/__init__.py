"""The SimPy engine: the world of a replication, cases, arrivals and the journey loop."""

from cxsim.engine.replication import build_world, run_world, simulate

__all__ = ["build_world", "run_world", "simulate"]
