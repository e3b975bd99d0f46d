"""The wheel carries prompts/ and schemas/, and an installed checker finds them (not only editable)."""
from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from conftest import ROOT


def build_wheel(out: Path) -> Path:
    from hatchling.builders.wheel import WheelBuilder

    return Path(next(iter(WheelBuilder(str(ROOT)).build(directory=str(out), versions=["standard"]))))


def test_wheel_ships_prompts_and_schemas_and_the_installed_package_uses_them(tmp_path):
    wheel = build_wheel(tmp_path / "dist")
    names = zipfile.ZipFile(wheel).namelist()
    for prompt in (ROOT / "prompts").glob("*.md"):
        assert f"checker/prompts/{prompt.name}" in names
    for schema in (ROOT / "schemas").glob("*.json"):
        assert f"checker/schemas/{schema.name}" in names
    assert "checker/py.typed" in names

    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)  # a wheel is installed by unpacking it
    probe = ("import checker.prompts as p; from pathlib import Path; "
             "print(p.resource_dir('prompts')); print(p.load_prompt('verify_candidates').version)")
    result = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True,
                            text=True, env={"PYTHONPATH": str(site), "PATH": ""}, check=True)
    location, version = result.stdout.split()
    assert Path(location) == site / "checker" / "prompts"
    from checker.prompts import load_prompt
    assert version == load_prompt("verify_candidates").version  # same text, same version


def test_wheel_ships_the_page_template_and_the_installed_package_renders_with_it(tmp_path):
    wheel = build_wheel(tmp_path / "dist")
    assert "checker/templates/report.html" in zipfile.ZipFile(wheel).namelist()
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    probe = ("import checker.render_html as r; from checker.report import Report; "
             "data = {'documents': [], 'claims': [], 'entities': [], 'contradictions': [], "
             "'corroborations': [], 'run': {'failures': []}}; "
             "page = r.render_html(Report(data)); print(r.__file__); print(page.count('<html'))")
    # Only the unpacked wheel and the interpreter's own site-packages (jinja2): not the source tree.
    result = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True,
                            text=True, env={"PYTHONPATH": str(site), "PATH": ""}, check=True)
    location, pages = result.stdout.split()
    assert Path(location).parent == site / "checker" and pages == "1"
