"""``merge-reports`` and ``report`` through the real entry point."""

from __future__ import annotations

from tests.selftest.reporting.report_factory import endpoint, failed_check, passed, run_info, sample_report

from msaaq_contract.cli.main import main
from msaaq_contract.reporting.verdict import CheckVerdict, Report
from msaaq_contract.reporting.writers import load_report, write_reports


def write_shards(tmp_path, digest_two: str | None = None):
    one = Report(
        run=run_info(shard="1/2", duration_s=10.0),
        endpoints=[endpoint("admin.courses.get-course", [passed("auth"), CheckVerdict("schema", "not-run")])],
    )
    two = Report(
        run=run_info(shard="2/2", duration_s=20.0, **({"contract_digest": digest_two} if digest_two else {})),
        endpoints=[endpoint("admin.courses.get-course", [failed_check("schema")])],
    )
    paths = []
    for i, report in enumerate((one, two), start=1):
        (path,) = write_reports(report, tmp_path / "reports" / f"shard-{i}", formats=["json"])
        paths.append(str(path))
    return paths


def test_merge_reports_writes_every_format(tmp_path, capsys):
    paths = write_shards(tmp_path)
    out_dir = tmp_path / "reports"
    assert main(["merge-reports", *paths, "--out", str(out_dir)]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert out.splitlines()[0] == "merged 2 reports (1 endpoints) into:"
    for name in ("conformance.json", "summary.md", "conformance.html"):
        assert (out_dir / name).is_file()
    merged = load_report(out_dir / "conformance.json")
    (course,) = merged.endpoints
    assert {f: c.outcome for f, c in course.checks.items()} == {"auth": "passed", "schema": "failed"}
    assert merged.run.duration_s == 20.0
    assert "| shard | merged: 1/2, 2/2 |" in (out_dir / "summary.md").read_text(encoding="utf-8")


def test_merge_reports_refuses_two_contracts(tmp_path, capsys):
    paths = write_shards(tmp_path, digest_two="0000000000000000")
    assert main(["merge-reports", *paths, "--out", str(tmp_path / "out")]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (
        f"error: {paths[1]} was run against contract 0000000000000000, {paths[0]} against abcdef0123456789"
        " — merge only shards of one run (same contract digest)\n"
    )
    assert not (tmp_path / "out").exists()


def test_merge_reports_with_an_unmatched_glob_is_a_one_line_error(tmp_path, capsys):
    missing = str(tmp_path / "reports" / "shard-*" / "conformance.json")  # the shell left the glob as is
    assert main(["merge-reports", missing, "--out", str(tmp_path)]) == 2
    _, err = capsys.readouterr()
    assert err.startswith(f"error: {missing}: no such file")
    assert err.count("\n") == 1


def test_report_rerenders_html_and_markdown_only(tmp_path, capsys):
    (source,) = write_reports(sample_report(), tmp_path / "run", formats=["json"])
    before = source.read_bytes()
    assert main(["report", str(source), "--out", str(tmp_path / "site")]) == 0
    capsys.readouterr()
    assert sorted(p.name for p in (tmp_path / "site").iterdir()) == ["conformance.html", "summary.md"]
    assert source.read_bytes() == before
    assert main(["report", str(source)]) == 0
    assert sorted(p.name for p in source.parent.iterdir()) == ["conformance.html", "conformance.json", "summary.md"]


def test_report_on_a_corrupt_file_exits_2(tmp_path, capsys):
    path = tmp_path / "conformance.json"
    path.write_text("[]", encoding="utf-8")
    assert main(["report", str(path)]) == 2
    _, err = capsys.readouterr()
    assert err == f'error: {path}#: not a valid conformance report: [] is not of type "object"\n'
