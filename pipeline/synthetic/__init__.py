"""The synthetic return-report answers: seeded, reproducible, calibrated to the published counts.

The municipalities' answers are not public. This package makes answers that reproduce
every count the follow-up publishes, and respects the form's skip logic and exclusive
options. Money figures of 2024 are the real ones; everything else it writes is synthetic
and marked so.
"""
