"""The real-browser check: every notebook run in JupyterLab, in headless Chromium, as a user would run it.

    python .ci/jupyterlab_check.py [NOTEBOOK ...] [--timeout 900] [--nbs-dir nbs]

It copies the notebooks (and settings.ini, README.md) into a temporary folder, so the committed notebooks are never
touched, starts JupyterLab there, and for each notebook: opens it, waits for the kernel, runs Run > Run All Cells,
waits until the kernel is idle and no cell shows `[*]`, saves with File > Save Notebook, writes a screenshot to
results/jupyterlab_check/<notebook>.jpg, and reads the saved .ipynb. A notebook FAILS on an error output, on text
on stderr other than the project's own announced warnings (ALLOWED_STDERR below), or when its cells did not run.
Exit status 1 on any failure.

Cells flagged with one of settings.ini's `tst_flags` (`#| slow`, `#| cuda`, `#| weights`) are skipped as `nbdev_test`
skips them, unless named with --flags: in the copy they become a markdown line saying so. A user with the weights or
a GPU runs them; here they would only fail for the missing weights or GPU, or take long.

Hidden cells marked `#| long_test` are skipped too, unless --long-tests is given: long assertion-only tests (training
several model families, killing runs at random writes, two-process runs) that `nbdev_test` runs in the same CI. They
show nothing on the page, so running them again in the browser would only double their time. A `long_test` cell must be
`#| hide` (the check fails otherwise), and no visible cell may use what it defines (the run fails with a NameError then).

Needs Chromium (Debian: `apt-get install chromium`) and Playwright (`pip install playwright`; its own browser
download is not needed: Chromium is driven through `executable_path`). Without them it says so and exits 0, so that
`.ci/run` passes on a machine without a browser.
"""
import argparse, json, os, re, secrets, shutil, socket, subprocess, sys, tempfile, threading, time, urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT/'.ci'))
from execute_nbs import tst_flags, directives, skipped, notebooks     # which cells nbdev_test skips: one reading for both scripts
SHOTS = ROOT/'results'/'jupyterlab_check'

# The only text allowed on stderr: the warnings the project itself announces (warnings.warn in depth_nb/*.py).
# Each pattern is searched in the message of a `file:line: SomethingWarning: message` line; the indented source
# line Python prints under it goes with it. Anything else on stderr fails the notebook.
ALLOWED_STDERR = [
    # data.open_dataset: a dataset without an official split (the synthetic default, a plain folder) gets a seeded one
    r"no official split found \(.*\); using a seeded split by (scene|frame): \d+ train / \d+ test frames \(seed -?\d+\)",
    # data.open_dataset: image or depth files without a partner in a plain folder are skipped
    r"\d+ file\(s\) without a partner were ignored, e\.g\. ",
    # data.open_dataset: the unit of a plain folder's 16-bit depth PNGs, told from the depths
    r"16-bit depth PNGs read as (millimetres|0\.1 mm) \(median depth",
    # pretrained.load_depth_model: the tiny random-weight model of the tests says that it is random
    r"this is a tiny model with RANDOM weights \(save_tiny_model\), for tests: its depth means nothing",
    # pretrained.load_depth_model: a checkpoint lacking a few (< 1 %) weight tensors
    r"\d+ weight tensor\(s\) not in the checkpoint were randomly initialised",
    # unet.resolve_precision, pretrained.resolve_dtype: bf16 asked for on a GPU that only emulates it
    r"bf16 is emulated there",
    # sklearn_search.load_model: a pickle, loaded only because trust_pickle=True
    r"loading a pickle because trust_pickle=True",
]
WARNING_LINE = re.compile(r"^\S.*:\d+: (\w*Warning): (.*)$")
TQDM_BAR = re.compile(r"\d+%\|.*\||\d+/\d+ \[\d+:\d+|it/s\]|s/it\]|IProgress not found")

LONG_TEST = 'long_test'

def skip_flagged(nb_path:Path, skip, long_tests:bool=False) -> int:
    """Replace the code cells of `nb_path` that nbdev_test skips (`skip` flags, as `execute_nbs.skipped`), and the `#| long_test`
    cells unless `long_tests`, by a markdown line; how many. A `long_test` cell that is not `#| hide` is an error."""
    nb = json.loads(nb_path.read_text()); n = 0
    for k, c in enumerate(nb['cells']):
        if c['cell_type'] != 'code': continue
        src = ''.join(c['source']); d = directives(src)
        if LONG_TEST in d and 'hide' not in d:
            raise ValueError(f"{nb_path.name}, cell {k}: `#| {LONG_TEST}` on a cell that is not `#| hide` (only hidden tests may be skipped)")
        if skipped(src, skip):
            why = ' '.join(sorted(skip & d.keys())) or src.strip().splitlines()[0][:60]
            say = f"*(a cell flagged `{why}`: skipped by this check, as nbdev_test skips it)*"
        elif LONG_TEST in d and not long_tests: say = f"*(a hidden `{LONG_TEST}` cell: nbdev_test runs it, this check skips it)*"
        else: continue
        nb['cells'][k] = dict(cell_type='markdown', id=c.get('id', f'skipped{k}'), metadata={}, source=say)
        n += 1
    if n: nb_path.write_text(json.dumps(nb, indent=1))
    return n

def find_chromium():
    for c in ('/usr/bin/chromium', shutil.which('chromium')):
        if c and os.access(c, os.X_OK): return c
    return None

def skip_reason():
    missing = []
    if find_chromium() is None: missing.append("Chromium is not installed (apt-get install chromium)")
    try: import playwright.sync_api  # noqa: F401
    except ImportError: missing.append("Playwright is not installed (pip install playwright)")
    return '; '.join(missing)

# ---------------------------------------------------------------------------------------------- the saved notebook
def stderr_problems(text:str) -> tuple:
    "The lines of a cell's stderr `text` that are not announced warnings (each with what it looks like), and how many were."
    bad, lines, i, allowed = [], text.splitlines(), 0, 0
    def tqdm(line): return (f"tqdm text progress bar on stderr (tqdm.auto shows a widget in JupyterLab: is ipywidgets "
                            f"importable in the kernel?): {line.strip()[:120]!r}")
    while i < len(lines):
        line = lines[i]; i += 1
        if not line.strip(): continue
        if (m := WARNING_LINE.match(line)):
            if i < len(lines) and lines[i].startswith('  '): i += 1              # the source line under a warning
            if any(re.search(p, m.group(2)) for p in ALLOWED_STDERR): allowed += 1
            else: bad.append(tqdm(line) if TQDM_BAR.search(line) else repr(line.strip()[:200]))
        elif TQDM_BAR.search(line):
            bad.append(tqdm(line))
            while i < len(lines) and TQDM_BAR.search(lines[i]): i += 1          # one report per bar
        else: bad.append(repr(line.strip()[:200]))
    return bad, allowed

def check_outputs(nb_path:Path) -> tuple:
    "What is wrong with the outputs of the executed, saved notebook at `nb_path`, and how many announced warnings it shows."
    cells = json.loads(nb_path.read_text())['cells']
    problems, ran, code, errors, announced = [], 0, 0, 0, 0
    for i, c in enumerate(cells):
        if c['cell_type'] != 'code' or not ''.join(c['source']).strip(): continue
        code += 1; ran += c.get('execution_count') is not None
        err = ''.join(''.join(o.get('text', '')) for o in c.get('outputs', [])
                      if o['output_type'] == 'stream' and o.get('name') == 'stderr')
        bad, allowed = stderr_problems(err); announced += allowed
        problems += [f"cell {i}: stderr: {line}" for line in bad]
        for o in c.get('outputs', []):
            if o['output_type'] == 'error':
                errors += 1
                evalue = ((o.get('evalue') or '').strip().splitlines() or [''])[0][:300]
                problems.append(f"cell {i}: error output: {o.get('ename')}: {evalue}")
    if code and not ran: problems.append("no cell was executed")
    elif ran < code and not errors: problems.append(f"only {ran} of {code} code cells were executed")  # (an error stops the run)
    return problems, announced

# ------------------------------------------------------------------------------------------------------ JupyterLab
def free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0)); return s.getsockname()[1]

def api(base, token, path, method='GET'):
    req = urllib.request.Request(f"{base}{path}", method=method, headers={'Authorization': f'token {token}'})
    with urllib.request.urlopen(req, timeout=10) as r:
        body = r.read()
        return json.loads(body) if body else None

def start_lab(work:Path, lab:Path, log):
    port, token = free_port(), secrets.token_hex(16)
    settings = lab/'user-settings'/'@jupyterlab'
    for name, value in [('notebook-extension/tracker', {'windowingMode': 'none'}),     # every cell in the DOM
                        ('apputils-extension/notification', {'fetchNews': 'false', 'checkForUpdates': False}),
                        ('docmanager-extension/plugin', {'autosave': False})]:      # saved once, by the check
        f = settings/f"{name}.jupyterlab-settings"; f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(json.dumps(value))
    env = dict(os.environ)
    env.pop('MPLBACKEND', None)              # the kernel's own inline backend, as for a user
    # progress widgets redrawn once a second, not ten times: on 2 cores the browser's redraws slowed the kernel down
    env.setdefault('TQDM_MININTERVAL', '1')
    cmd = [sys.executable, '-m', 'jupyter', 'lab', '--no-browser', f'--port={port}', '--ServerApp.ip=127.0.0.1',
           f'--ServerApp.token={token}', f'--ServerApp.root_dir={work}', '--ServerApp.port_retries=0',
           f'--LabApp.user_settings_dir={lab/"user-settings"}', f'--LabApp.workspaces_dir={lab/"workspaces"}',
           '--LabApp.news_url=None', '--LabApp.expose_app_in_browser=True'] + (['--allow-root'] if os.geteuid() == 0 else [])
    proc = subprocess.Popen(cmd, cwd=work, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    t0 = time.time()
    while True:
        if proc.poll() is not None: raise RuntimeError(f"JupyterLab exited with status {proc.returncode}")
        try: api(base, token, '/api/status'); return proc, base, token
        except OSError: pass
        if time.time() - t0 > 120: raise RuntimeError("JupyterLab did not answer within 120 s")
        time.sleep(0.5)

def stop_lab(proc, base, token):
    if proc is None or proc.poll() is not None: return
    try: api(base, token, '/api/shutdown', 'POST')          # shuts the kernels down too
    except OSError: pass
    try: proc.wait(20)
    except subprocess.TimeoutExpired:
        try: os.killpg(proc.pid, 15); proc.wait(10)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try: os.killpg(proc.pid, 9)
            except ProcessLookupError: pass

def shutdown_kernels(base, token):
    "Shut down the kernels of the sessions open now, on a thread of its own (the next notebook need not wait for it)."
    try: ids = [s['id'] for s in api(base, token, '/api/sessions')]
    except OSError: return
    def delete():
        for i in ids:
            try: api(base, token, f"/api/sessions/{i}", 'DELETE')
            except OSError: pass
    threading.Thread(target=delete, daemon=True).start()

# ---------------------------------------------------------------------------------------------------- the browser
PANEL = '.jp-NotebookPanel:not(.lm-mod-hidden)'
STATUS = f'{PANEL} .jp-Notebook-ExecutionIndicator'

def menu(page, label:str, *commands:str) -> bool:
    "Click `label` in the menu bar, then the item that runs one of `commands`; False (menu closed) if it is disabled."
    page.locator('.lm-MenuBar-itemLabel', has_text=re.compile(f'^{label}$')).click()
    item = page.locator(', '.join(f'.lm-Menu .lm-Menu-item[data-command="{c}"]' for c in commands)).first
    item.wait_for(timeout=10_000)
    if 'lm-mod-disabled' in (item.get_attribute('class') or ''):
        page.keyboard.press('Escape'); return False
    item.click(timeout=10_000)
    return True

def wait_for(page, what, cond, deadline, poll=0.5, stable=1):
    "Poll `cond()` until it holds `stable` times in a row; TimeoutError naming `what` at `deadline`."
    n = 0
    while True:
        n = n + 1 if cond() else 0
        if n >= stable: return
        if time.time() > deadline: raise TimeoutError(f"timed out waiting for {what}")
        page.wait_for_timeout(poll * 1000)

def dialog_text(page):
    d = page.locator('.jp-Dialog')
    return d.first.inner_text().replace('\n', ' ')[:200] if d.count() else None

def open_lab(page, base, token):
    "JupyterLab loaded once in `page`, with nothing open; later notebooks open in it by command (no page reloads)."
    page.goto(f"{base}/lab/workspaces/check?reset&token={token}")
    page.wait_for_function("() => window.jupyterapp && window.jupyterapp.restored !== undefined", timeout=120_000)
    page.evaluate("() => window.jupyterapp.restored")

def close_all(page):
    "Close every open document (the notebook was saved, so nothing asks); its kernel is shut down by the caller."
    page.evaluate("async () => { await window.jupyterapp.commands.execute('application:close-all'); }")
    page.wait_for_function(f"() => !document.querySelector('{PANEL}')", timeout=30_000)

def run_notebook(page, base, token, work:Path, name:str, timeout:float) -> tuple:
    "Open, run all, save and photograph `name` (a path under nbs/); `check_outputs` of the saved notebook."
    deadline = time.time() + timeout
    nb = work/'nbs'/name
    page.evaluate("async p => { await window.jupyterapp.commands.execute('docmanager:open', {path: p, factory: 'Notebook'}); }",
                  f"nbs/{name}")
    page.wait_for_selector(f'{PANEL} .jp-Cell', timeout=120_000)
    status = lambda: page.locator(STATUS).first.get_attribute('data-status') if page.locator(STATUS).count() else None
    def check_dialog():
        if (d := dialog_text(page)): raise RuntimeError(f"a dialog is in the way: {d}")
    wait_for(page, 'the kernel to start', lambda: (check_dialog(), status() == 'idle')[1], min(deadline, time.time() + 180),
             poll=0.25, stable=2)
    running = lambda: page.locator(f'{PANEL} .jp-InputArea-prompt', has_text='[*]').count() > 0
    # the run has started once a cell shows [*] or has an execution count (a fast notebook may be done by then)
    started = lambda: running() or status() == 'busy' or page.locator(
        f'{PANEL} .jp-CodeCell .jp-InputArea-prompt', has_text=re.compile(r'\[\d+\]')).count() > 0
    page.locator(f'{PANEL} .jp-Cell .jp-InputPrompt').first.click()      # the notebook is the current widget
    menu(page, 'Edit', 'editmenu:clear-all', 'notebook:clear-all-cell-outputs')   # no execution count from before
    wait_for(page, 'the outputs to be cleared', lambda: not started(), min(deadline, time.time() + 30))
    for attempt in range(3):      # Run > Run All Cells
        page.locator(f'{PANEL} .jp-Cell .jp-InputPrompt').first.click()
        clicked = menu(page, 'Run', 'runmenu:run-all', 'notebook:run-all-cells')
        try: wait_for(page, '', started, min(deadline, time.time() + 30), poll=0.2); break
        except TimeoutError:
            what = f"Run All Cells did not start (menu item {'clicked' if clicked else 'disabled'})"
            if attempt == 2: raise TimeoutError(what)
            print(f"  note: {name}: {what}; trying again", flush=True)
    wait_for(page, 'the cells to finish', lambda: (check_dialog(), status() == 'idle' and not running())[1], deadline,
             poll=0.3, stable=3)
    before = nb.stat().st_mtime_ns
    menu(page, 'File', 'docmanager:save')                            # File > Save Notebook
    wait_for(page, 'the notebook to be saved', lambda: (check_dialog(), nb.stat().st_mtime_ns != before and
             page.locator('.lm-TabBar-tab.jp-mod-current.jp-mod-dirty').count() == 0)[1], deadline + 60)
    screenshot(page, SHOTS/f"{Path(name).stem}.jpg")
    return check_outputs(nb)

# the notebook's scroll container (whichever element that is in this JupyterLab): scrolled to the top, how much is hidden
SCROLLER = """panel => {
    let best = panel, most = 0;
    for (const e of panel.querySelectorAll('*')) {
        const hidden = e.scrollHeight - e.clientHeight, o = getComputedStyle(e).overflowY;
        if (hidden > most && (o === 'auto' || o === 'scroll')) { best = e; most = hidden; }
    }
    best.scrollTop = 0;
    return most;
}"""

def screenshot(page, path:Path):
    "The whole notebook: the window made as tall as the notebook's content (at most 16000 px), then a picture."
    hidden = page.locator(PANEL).first.evaluate(SCROLLER)
    size = page.viewport_size
    page.set_viewport_size({'width': size['width'], 'height': min(16000, size['height'] + max(0, hidden))})
    page.wait_for_timeout(400)
    page.locator(PANEL).first.evaluate(SCROLLER)
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True, type='jpeg', quality=70)    # JPEG: a tall page encodes in a fraction of PNG's time
    page.set_viewport_size(size)

# ------------------------------------------------------------------------------------------------------------ main
def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('notebooks', nargs='*', help="notebook names in the notebooks folder (default: all but _*.ipynb)")
    ap.add_argument('--timeout', type=float, default=900, help="seconds per notebook (default 900)")
    ap.add_argument('--nbs-dir', type=Path, default=ROOT/'nbs', help="the notebooks folder to copy (default: nbs/)")
    ap.add_argument('--flags', default='', help="flagged cells to run too, as nbdev_test --flags (e.g. 'slow weights')")
    ap.add_argument('--long-tests', action='store_true', help=f"run the hidden `#| {LONG_TEST}` cells too")
    args = ap.parse_args(argv)
    if (why := skip_reason()):
        print(f"jupyterlab check skipped: {why}"); return 0
    from playwright.sync_api import sync_playwright

    src = args.nbs_dir.resolve()
    names = args.notebooks or [str(p.relative_to(src)) for p in notebooks(src)]
    missing = [n for n in names if not (src/n).is_file()]
    if missing: print(f"jupyterlab check: no such notebook in {src}: {', '.join(missing)}"); return 1
    tmp = Path(tempfile.mkdtemp(prefix='depth_nb_jlab.'))
    work, lab = tmp/'work', tmp/'lab'
    shutil.copytree(src, work/'nbs', ignore=shutil.ignore_patterns('.ipynb_checkpoints', '__pycache__'))
    for f in ('settings.ini', 'README.md'):                       # project_root() looks for settings.ini
        if (ROOT/f).exists(): shutil.copy2(ROOT/f, work/f)
    objects = ROOT/'.git'/'objects'         # the history, read-only, for checks that look at an old commit
    if objects.is_dir() and shutil.which('git') and not subprocess.run(['git', 'init', '-q', str(work)]).returncode:
        (work/'.git'/'objects'/'info'/'alternates').write_text(f"{objects}\n")
    lab.mkdir()
    skip = set(tst_flags()) - set(args.flags.replace(',', ' ').split())
    try: n_skipped = {n: skip_flagged(work/'nbs'/n, skip, args.long_tests) for n in names}
    except ValueError as e: print(f"jupyterlab check: {e}"); shutil.rmtree(tmp, ignore_errors=True); return 1
    failures, passed, proc, base, token, t_all = {}, [], None, None, None, time.time()
    log = open(lab/'jupyterlab.log', 'w')
    try:
        proc, base, token = start_lab(work, lab, log)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=find_chromium(), headless=True)
            try:
                ctx = browser.new_context(viewport={'width': 1280, 'height': 900})
                page, errors = ctx.new_page(), []
                page.on('pageerror', lambda e: errors.append(str(e)))
                open_lab(page, base, token)
                for name in names:
                    cells = json.loads((work/'nbs'/name).read_text())['cells']
                    if not any(c['cell_type'] == 'code' and ''.join(c['source']).strip() for c in cells):
                        passed.append(name); print(f"OK   {name} (no code cells: nothing to run)"); continue
                    t0, announced = time.time(), 0
                    errors.clear()
                    try: problems, announced = run_notebook(page, base, token, work, name, args.timeout)
                    except Exception as e:
                        problems = [f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"]
                        try: screenshot(page, SHOTS/f"{Path(name).stem}.jpg")
                        except Exception: pass
                    try: close_all(page)
                    except Exception:                  # a stuck page: a fresh one for the next notebook
                        page.close(); page = ctx.new_page(); page.on('pageerror', lambda e: errors.append(str(e)))
                        open_lab(page, base, token)
                    shutdown_kernels(base, token)
                    for e in errors[:3]: print(f"  note: {name}: a JavaScript error in the page: {e.splitlines()[0][:150]}")
                    dt = time.time() - t0
                    if problems:
                        failures[name] = problems
                        print(f"FAIL {name} ({dt:.0f}s)")
                        for p in problems[:20]: print(f"  {p}")
                        if len(problems) > 20: print(f"  ... and {len(problems) - 20} more")
                    else:
                        passed.append(name)
                        notes = ([f"{n_skipped[name]} flagged cell(s) skipped"] if n_skipped[name] else []) + (
                                 [f"{announced} announced warning(s) on stderr"] if announced else [])
                        print(f"OK   {name} ({', '.join([f'{dt:.0f}s'] + notes)})")
                    sys.stdout.flush()
            finally: browser.close()
    except Exception as e:
        print(f"jupyterlab check: {type(e).__name__}: {e}")
        log.flush(); print(''.join((lab/'jupyterlab.log').read_text().splitlines(True)[-15:]))
        failures['(setup)'] = [str(e)]
    finally:
        stop_lab(proc, base, token); log.close()
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"jupyterlab check: {len(passed)} passed, {len(names) - len(passed)} failed in {time.time() - t_all:.0f}s; "
          f"screenshots in {SHOTS.relative_to(ROOT)}/")
    return 0 if len(passed) == len(names) else 1

if __name__ == '__main__': sys.exit(main())
