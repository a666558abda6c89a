"""inspection_report: HTML, Markdown and JSON made from the same findings, and agreeing."""
import json
import re

import pytest

from conftest import ROOT, TODAY
from gongkai.inspection import inspection_report
from gongkai import pipeline

FIXTURE = ROOT / "tests" / "fixtures" / "inspection"


@pytest.fixture(scope="module")
def fixture_inspection():
    return pipeline.inspect(FIXTURE, TODAY).inspection


def test_reports_agree(fixture_inspection, tmp_path):
    data = inspection_report.write(tmp_path, fixture_inspection)
    assert json.loads((tmp_path / "findings.json").read_text()) == data
    md, html = (tmp_path / "summary.md").read_text(), (tmp_path / "index.html").read_text()
    s = data["summary"]
    assert f"{s['errors']} 个错误、{s['warnings']} 个提醒" in md and f"{s['errors']} 个错误、{s['warnings']} 个提醒" in html
    assert s["errors"] == len(fixture_inspection.errors) and s["warnings"] == len(fixture_inspection.warnings)
    assert html.count('<tr class="s-error">') == s["errors"] and html.count('<tr class="s-warning">') == s["warnings"]
    for f in data["findings"]:
        assert f"<code>{f['code']}</code>" in html
    for v in data["veto"]:
        assert v["name"] in md and v["name"] in html
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)    # the report loads nothing from outside
