"""A real browser: JupyterLab on loopback, headless Chromium (Debian's) driven by Playwright.

Runs every cell of lab 01's and lab 07's PyTorch solutions and of their untouched student versions through
JupyterLab's own "Run > Run All Cells" menu, then reads what a student would see: each check
says passed (solution) or not attempted (student version), and the plots rendered as images.
Then clicks nbgrader's own Validate button on a part-done student notebook and on the solution, and reads
nbgrader's verdict in its dialog. Screenshots go to test-artifacts/ (git-ignored).
"""
from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

from autograder.course import REPO, find_labs
from partial_notebooks import student_notebook

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-first-run"]
ARTIFACTS = REPO / "test-artifacts"
LAB = find_labs()[0]
NOTEBOOK = f"{LAB.notebook_name('torch')}.ipynb"  # PyTorch: the faster of the two to run
# the labs whose solution and student notebooks are run whole in the browser: the first, and lab 07 (real data,
# trained networks, the most plots)
OPENED = [LAB] + [lab for lab in find_labs() if lab.name == "07_digits"]
CHECK_LINE = re.compile(r"^(✅|⏳|❌) (\w+): (passed|not attempted|failed)", re.M)

if not CHROMIUM.exists():
    pytest.skip("Debian's chromium is not installed (/usr/bin/chromium): apt-get install chromium "
                "(.ci/run installs it)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")

# JupyterLab settings for a test: every cell in the DOM (so the page can be read whole), no news,
# no update checks (nothing reaches the network)
SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false",
                                                                       "checkForUpdates": False},
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def jupyterlab(tmp_path_factory):
    """JupyterLab on 127.0.0.1, a random free port and a random token, serving copies of the notebooks."""
    home = tmp_path_factory.mktemp("jupyterlab")
    root = home / "notebooks"
    (root / "solution").mkdir(parents=True)
    (root / "student").mkdir()
    (root / "partial").mkdir()
    for lab in OPENED:
        name = f"{lab.notebook_name('torch')}.ipynb"
        shutil.copy(REPO / "solutions" / lab.name / name, root / "solution" / name)
        shutil.copy(REPO / "labs" / lab.name / name, root / "student" / name)
    nbformat.write(student_notebook(LAB, "torch", _exercises()[:1]), root / "partial" / NOTEBOOK)
    for name, values in SETTINGS.items():
        (home / "settings" / name).parent.mkdir(parents=True, exist_ok=True)
        (home / "settings" / name).write_text(json.dumps(values))
    port, token = _free_port(), secrets.token_hex(16)
    env = {**os.environ, "JUPYTERLAB_SETTINGS_DIR": str(home / "settings"),
           "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"), "JUPYTER_CONFIG_DIR": str(home / "config"),
           "JUPYTER_RUNTIME_DIR": str(home / "runtime"), "MPLBACKEND": "module://matplotlib_inline.backend_inline",
           "PYTHONPATH": str(REPO)}
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    log = open(home / "server.log", "w")
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
         "--ServerApp.port_retries=0", "--allow-root", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
         "--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
        env=env, stdout=log, stderr=subprocess.STDOUT, cwd=root)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
            break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                pytest.fail("JupyterLab did not start:\n" + (home / "server.log").read_text()[-3000:])
            time.sleep(0.5)
    try:
        yield base, token
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"  # the notebook on show
PROMPTS = f"[...document.querySelectorAll('{PANEL} .jp-CodeCell .jp-InputPrompt')].map(p => p.textContent.trim())"


def run_all_cells(browser, base, token, path, screenshot):
    """Open `path` in JupyterLab, Run > Run All Cells, wait until every cell ran;
    -> (the outputs' text, the rendered images' sizes, the stderr outputs)."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        workspace = re.sub(r"\W", "-", path)  # a workspace of its own, reset: only this notebook is open
        page.goto(f"{base}/lab/workspaces/{workspace}/tree/{path}?token={token}&reset",
                  wait_until="domcontentloaded", timeout=90_000)
        page.locator(f"{PANEL} .jp-Cell").first.wait_for(timeout=90_000)
        page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=90_000)
        code_cells = page.locator(f"{PANEL} .jp-CodeCell").count()
        for _ in range(3):  # a click while the kernel is still connecting can be dropped: try again
            page.get_by_role("menuitem", name="Run", exact=True).click()
            page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
            try:
                page.wait_for_function(f"() => {PROMPTS}.some(p => /^\\[(\\*|\\d+)\\]:$/.test(p))",
                                       timeout=20_000, polling=250)
                break
            except sync_api.TimeoutError:
                continue
        try:  # every code cell has an execution count: none is queued or running
            page.wait_for_function(f"n => {{ const p = {PROMPTS}; return p.length === n && "
                                   "p.every(x => /^\\[\\d+\\]:$/.test(x)); }",
                                   arg=code_cells, timeout=150_000, polling=500)
        except sync_api.TimeoutError:
            page.screenshot(path=str(ARTIFACTS / screenshot.replace(".png", "-timeout.png")))
            raise
        text = "\n".join(page.locator(f"{PANEL} .jp-OutputArea-output").all_inner_texts())
        images = page.evaluate(f"() => [...document.querySelectorAll('{PANEL} .jp-RenderedImage img')]"
                               ".map(img => [img.naturalWidth, img.naturalHeight])")
        errors = page.locator(f"{PANEL} [data-mime-type='application/vnd.jupyter.stderr']").all_inner_texts()
        page.locator(f"{PANEL} .jp-Cell").last.scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / screenshot))
        page.locator(f"{PANEL} .jp-RenderedImage").first.scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / screenshot.replace(".png", "-plot.png")))
        return text, images, errors
    finally:
        page.close()


def _checks(text):
    return {exercise: status for _, exercise, status in CHECK_LINE.findall(text)}


def _exercises(lab=LAB):
    import importlib

    return [e.name for e in importlib.import_module(f"mitdl_utils.labs.{lab.stem}").EXERCISES]


@pytest.mark.parametrize("lab", OPENED, ids=[lab.name for lab in OPENED])
def test_solution_in_jupyterlab_passes_every_check_and_plots(jupyterlab, browser, lab):
    text, images, errors = run_all_cells(browser, *jupyterlab, f"solution/{lab.notebook_name('torch')}.ipynb",
                                         f"browser-solution-{lab.name}.png")
    exercises = _exercises(lab)
    assert _checks(text) == {name: "passed" for name in exercises}, text[-3000:]
    assert "Traceback" not in text and not any("Error" in e for e in errors), (text[-2000:], errors)
    assert images and all(w > 100 and h > 100 for w, h in images), f"no plot rendered: {images}"
    assert f"{len(exercises)}/{len(exercises)} exercises pass" in text


@pytest.mark.parametrize("lab", OPENED, ids=[lab.name for lab in OPENED])
def test_untouched_student_notebook_in_jupyterlab_says_not_attempted(jupyterlab, browser, lab):
    text, images, errors = run_all_cells(browser, *jupyterlab, f"student/{lab.notebook_name('torch')}.ipynb",
                                         f"browser-student-{lab.name}.png")
    exercises = _exercises(lab)
    assert _checks(text) == {name: "not attempted" for name in exercises}, text[-3000:]
    assert "Traceback" not in text, text[-2000:]
    assert images and all(w > 100 and h > 100 for w, h in images), f"no plot rendered: {images}"
    assert f"0/{len(exercises)} exercises pass" in text
    assert "Outcome(" not in text, "progress() shows its table, not a list of objects"


def validate_in_jupyterlab(browser, base, token, path, screenshot) -> str:
    """Open `path` in JupyterLab, click nbgrader's Validate button (its toolbar), -> the results dialog's text."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        workspace = re.sub(r"\W", "-", path) + "-validate"
        page.goto(f"{base}/lab/workspaces/{workspace}/tree/{path}?token={token}&reset",
                  wait_until="domcontentloaded", timeout=90_000)
        page.locator(f"{PANEL} .jp-Cell").first.wait_for(timeout=90_000)
        page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=90_000)
        page.locator(f"{PANEL} .validate-button").click()
        dialog = page.locator(".jp-Dialog").filter(has_text="Validation Results")
        dialog.wait_for(timeout=240_000)  # nbgrader runs the whole notebook in a kernel of its own
        page.screenshot(path=str(ARTIFACTS / screenshot))
        return dialog.inner_text()
    finally:
        page.close()


def test_nbgrader_validate_button_fails_a_part_done_notebook(jupyterlab, browser):
    first, *rest = _exercises()
    text = validate_in_jupyterlab(browser, *jupyterlab, f"partial/{NOTEBOOK}", "browser-validate-partial.png")
    assert "Success" not in text, text[-3000:]
    assert text.count("The following cell failed") == len(rest), text[-3000:]
    assert all(f'lab.check("{name}")' in text for name in rest) and f'lab.check("{first}")' not in text
    assert "not attempted" in text


def test_nbgrader_validate_button_passes_the_solution(jupyterlab, browser):
    text = validate_in_jupyterlab(browser, *jupyterlab, f"solution/{NOTEBOOK}", "browser-validate-solution.png")
    assert "Success! Your notebook passes all the tests." in text and "failed" not in text, text[-3000:]
