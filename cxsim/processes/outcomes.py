"""What a step block tells the journey when it returns."""

DONE = "done"
"""The step is over; the case moves on."""

LEFT = "left"
"""The customer left (abandoned and gave up); the case ends unresolved."""
