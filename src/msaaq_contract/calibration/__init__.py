"""Calibration: from a live run's deviations to a truer contract (``msaaq-contract calibrate``).

``evidence`` reads and vets a report (and ``recorded`` its cassettes), ``grouping`` groups the findings by
root cause with ``locate`` and ``usage``, ``review`` writes and reads the Markdown review file a person
decides in, ``apply`` writes the accepted decisions through ``contract.overrides`` into the split contract
files (``sources``) and ``contracts/known-deviations.yaml`` (``deviations``). Nothing here imports pytest or
the reference server.
"""
