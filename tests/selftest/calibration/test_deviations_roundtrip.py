"""``calibrate --apply`` adds ``keep`` entries to a file people edit: their comments, quotes and entries survive."""

import yaml

from msaaq_contract.calibration.deviations import baseline_text

EDITED = """# Known deviations (header)

# Coupons: see issue 12 -- the reviewer's note
- id: admin.coupons.*   # numbers come back as strings
  check: schema
  reason: "staging, issue 12"
  owner: '@api-team'
  expires: 2027-01-31
"""
NEW = {"id": "admin.courses.get-course", "check": "envelope", "reason": "r", "owner": "@qa", "expires": "2027-02-28"}


def test_comments_quotes_and_entries_survive_and_new_entries_follow(tmp_path):
    path = tmp_path / "known-deviations.yaml"
    path.write_text(EDITED)
    text, added = baseline_text(path, [NEW, {**NEW, "id": "admin.coupons.list", "check": "schema"}])
    assert added == 1  # admin.coupons.list/schema is already covered by the glob
    assert text.startswith(EDITED)  # every byte a person wrote, comments and quotes included
    rows = yaml.safe_load(text)
    assert rows[-1] == NEW and len(rows) == 2


def test_an_empty_list_keeps_its_comment_block(tmp_path):
    path = tmp_path / "known-deviations.yaml"
    path.write_text("# header\n# more\n[]\n")
    text, added = baseline_text(path, [NEW])
    assert added == 1 and text.startswith("# header\n# more\n- id: admin.courses.get-course\n")
    assert baseline_text(path.with_name("absent.yaml"), [NEW]) == (text[len("# header\n# more\n") :], 1)
