"""From an event log to a scenario: discover the journey, fit arrivals, durations and teams,
and say how well the fitted scenario reproduces the log."""
