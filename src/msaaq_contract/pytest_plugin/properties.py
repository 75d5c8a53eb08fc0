"""The user properties a conformance test's reports carry: how a verdict travels from an xdist worker.

Plain strings for what every test has (its documented id, check family and cassette); JSON only for findings,
which few tests have. Every report (setup, call, teardown) of every test crosses to the controller, so what is
cheap to send and to read there is what the controller can keep up with.
"""

ID = "msaaq_doc_id"
FAMILY = "msaaq_family"
CASSETTE = "msaaq_cassette"
FINDINGS = "msaaq_findings"  # JSON: {"violations": [...], "warnings": [...]}
TARGET_ERROR = "msaaq_target_error"  # set by the plugin when a test stopped on our own error
NOT_RUN = "msaaq_not_run"  # set by the plugin when the time budget was spent before the test could send
ACCESS = "msaaq_access"  # "<who>=allowed|refused|unclear": one cell of the authorization matrix per answer
