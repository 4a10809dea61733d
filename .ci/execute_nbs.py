"""Refresh the notebooks' committed outputs: each notebook run top to bottom as `nbdev_test` runs it, saved in place.

    python .ci/execute_nbs.py [NOTEBOOK ...] [--flags slow] [--retina]

Each notebook (default: every notebook under nbs/ but _*.ipynb) runs in a fresh Python process, in its own folder, with execnb's
CaptureShell, the shell nbdev_test uses, at the notebook's own default parameters. The cells nbdev_test skips are
skipped here too (flagged with settings.ini's `tst_flags` unless named by --flags, `#| eval: false`, and the
`nbdev_export()` cell); their old outputs are cleared, so no stale output survives a refresh.

A notebook is written back only when every cell ran: an error names the notebook, the cell and the exception, and
leaves the committed file as it was. The new file replaces the old one atomically (a temporary file beside it, then
os.replace), then `nbdev_clean` normalises it as for a commit. Figures are PNG at the inline backend's size
(--retina doubles their resolution and about quadruples their bytes). Progress bars are left out (`quiet_progress`).
Each notebook's size is reported against the budget of 1.5 MB a notebook and 8 MB for all of them (`output_check.py`
checks the rest of what the outputs show). Exit status 1 if a notebook failed or a budget is exceeded.
"""
import argparse, json, os, subprocess, sys, time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NB_BUDGET, ALL_BUDGET = 1.5e6, 8e6

def notebooks(folder:Path) -> list:
    "The project's notebooks in `folder` and its subfolders (the guides, then `api/`), sorted: every *.ipynb but the _*.ipynb helpers."
    folder = Path(folder)
    return sorted((p for p in folder.rglob('*.ipynb') if not any(s.startswith(('_', '.')) for s in p.relative_to(folder).parts)),
                  key=lambda p: (len(p.relative_to(folder).parts), str(p)))

def tst_flags() -> list:
    "settings.ini's `tst_flags`: the cell flags nbdev_test skips unless asked to run them."
    import configparser
    cp = configparser.ConfigParser(); cp.read(ROOT/'settings.ini')
    return cp.get('DEFAULT', 'tst_flags', fallback='').split()

def directives(source:str) -> dict:
    "The `#|` directives at the top of a cell as {name: [values]}, read by nbdev's own parser, as nbdev_test reads them."
    from execnb.nbio import mk_cell
    from nbdev.process import extract_directives
    return extract_directives(mk_cell(source), remove=False)

def skipped(source:str, skip:set) -> bool:
    "Whether nbdev_test skips a code cell with this `source`, with `skip` the flags it skips."
    d = directives(source)
    return ('nbdev_export' + '(' in source or [v.lower() for v in d.get('eval:', [])][:1] == ['false']
            or bool(skip & d.keys()))

def quiet_progress():
    """No progress bars in the saved outputs: every tqdm bar (depth_nb's, transformers', huggingface_hub's) is disabled.
    execnb's shell is not a Jupyter kernel, so tqdm.auto would write text bars on stderr where JupyterLab shows widgets;
    a bar's last frame tells a reader nothing that the cell's own printed summary does not."""
    import tqdm.std
    init = tqdm.std.tqdm.__init__
    def quiet(self, *args, **kwargs): kwargs['disable'] = True; init(self, *args, **kwargs)
    tqdm.std.tqdm.__init__ = quiet
    os.environ['HF_HUB_DISABLE_PROGRESS_BARS'] = '1'

def run_one(path:Path, skip:set, mpl_format:str) -> int:
    "Run the notebook at `path` in this process and write it back in place when every cell ran; 0 or 1."
    from execnb.nbio import read_nb, write_nb
    from execnb.shell import CaptureShell
    os.environ.setdefault('MPLBACKEND', 'Agg')
    quiet_progress()
    nb = read_nb(path)
    sh = CaptureShell(path, mpl_format=mpl_format)
    os.chdir(path.parent)
    sys.path.insert(0, str(ROOT))
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != 'code': continue
        cell.outputs, cell.execution_count = [], None
        if not cell.source.strip() or skipped(cell.source, skip): continue
        sh.cell(cell)
        if sh.exc:
            e = sh.exc
            print(f"{path.name}: cell {i} failed: {type(e).__name__}: {str(e).strip().splitlines()[0][:300] if str(e).strip() else ''}\n"
                  f"{sh.prettytb(fname=path)[-3000:]}\n{path.name} was left as it was.", file=sys.stderr)
            return 1
    from depth_nb.core import atomic_write
    with atomic_write(path) as tmp:
        write_nb(nb, tmp)
        json.loads(Path(tmp).read_text())                           # a whole JSON file, or nothing replaces the old one
    return 0

def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('notebooks', nargs='*', help="notebook paths, or names under nbs/ such as api/00_core.ipynb (default: every notebook under nbs/ but _*.ipynb)")
    ap.add_argument('--flags', default='', help="flagged cells to run too, as nbdev_test --flags (e.g. 'slow')")
    ap.add_argument('--retina', action='store_true', help="figures at twice the resolution (about 4x the bytes)")
    ap.add_argument('--one', type=Path, help=argparse.SUPPRESS)       # the worker: one notebook, in this process
    a = ap.parse_args(argv)
    skip = set(tst_flags()) - set(a.flags.replace(',', ' ').split())
    fmt = 'retina' if a.retina else 'png'
    if a.one: return run_one(a.one.resolve(), skip, fmt)

    nbs = ROOT/'nbs'
    paths = [(Path(n) if Path(n).exists() else nbs/n).resolve() for n in a.notebooks] or notebooks(nbs)
    missing = [str(p) for p in paths if not p.is_file()]
    if missing: print(f"execute_nbs: no such notebook: {', '.join(missing)}"); return 1
    failed, t_all = [], time.time()
    for p in paths:
        t0 = time.time()
        args = [sys.executable, __file__, '--one', str(p), '--flags', a.flags] + (['--retina'] if a.retina else [])
        if subprocess.run(args, cwd=p.parent).returncode:
            failed.append(p.name); print(f"FAIL {p.name} ({time.time() - t0:.0f}s): left as it was", flush=True); continue
        exe = Path(sys.executable).parent/'nbdev_clean'          # the venv's own, else the one on PATH
        clean = subprocess.run([str(exe) if exe.exists() else 'nbdev_clean', '--fname', str(p)], cwd=ROOT,
                               capture_output=True, text=True)
        if clean.returncode: failed.append(p.name); print(f"FAIL {p.name}: nbdev_clean: {clean.stderr[-500:]}"); continue
        size = p.stat().st_size
        if size > NB_BUDGET: failed.append(p.name)
        print(f"{'OVER' if size > NB_BUDGET else 'OK  '} {p.name} ({time.time() - t0:.0f}s, {size/1e6:.2f} MB)"
              + (f": over the {NB_BUDGET/1e6:.1f} MB budget (written all the same)" if size > NB_BUDGET else ''), flush=True)
    total = sum(p.stat().st_size for p in notebooks(nbs))
    print(f"execute_nbs: {len(paths) - len(failed)} refreshed, {len(failed)} failed or over budget in {time.time() - t_all:.0f}s; "
          f"all notebooks {total/1e6:.2f} MB (budget {ALL_BUDGET/1e6:.0f} MB)")
    return 1 if failed or total > ALL_BUDGET else 0

if __name__ == '__main__': sys.exit(main())
