"""Consultation rounds: replies to the ministries, the state of a round, and starting the next one."""
