"""What a reader sees in the committed notebooks' outputs: present, free of errors, warnings and machine paths, small.

    python .ci/output_check.py [NOTEBOOK ...] [--nbs-dir nbs]

For each notebook (default: every notebook under nbs/ but _*.ipynb) it reports:
- no outputs at all in a notebook that has code (index.ipynb excepted: the home page may be prose);
- no image output in a notebook that must show a figure (IMAGES below);
- an error output, or a traceback in any output text;
- text on stderr other than the project's announced warnings (the JupyterLab check's reading of stderr);
- a path of the machine that ran it (/tmp/, /home/, /root/, a virtual environment, the checkout's own path);
- a notebook over 1.5 MB, or all of them over 8 MB.
Exit status 1 on any problem. `.ci/execute_nbs.py` writes the outputs this checks; `.ci/run` runs this check on the
notebooks as committed (before the JupyterLab check, which saves the notebooks it runs).
"""
import argparse, json, re, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT/'.ci'))
from execute_nbs import NB_BUDGET, ALL_BUDGET, notebooks
from jupyterlab_check import stderr_problems

IMAGES = ('01_data_view', '02_unet', '03_sklearn', '05_evaluation', '01_synthetic', '03_metrics', '11_cli')
NO_OUTPUTS_OK = ('index',)
MACHINE_PATH = re.compile('|'.join([r'/tmp/', r'/home/', r'/root/', r'/\.venv/', r'site-packages', r'/var/folders/',
                                    re.escape(str(ROOT)) + r'(?=/|\b)']))

def output_text(o:dict) -> str:
    "Every piece of text an output carries (stream text, text/* and json data, an error's traceback)."
    if o['output_type'] == 'stream': return ''.join(o.get('text', ''))
    if o['output_type'] == 'error': return '\n'.join([o.get('ename', ''), o.get('evalue', '')] + o.get('traceback', []))
    return '\n'.join(''.join(v) if isinstance(v, list) else str(v) for k, v in o.get('data', {}).items()
                     if k.startswith('text/') or k.endswith('json'))

def check_notebook(path:Path) -> list:
    "The problems of one notebook's outputs, each naming the notebook and the cell."
    nb = json.loads(path.read_text())
    name = str(path.relative_to(ROOT/'nbs')) if path.resolve().is_relative_to(ROOT/'nbs') else path.name
    cells = nb['cells']; problems = []
    code = [c for c in cells if c['cell_type'] == 'code' and ''.join(c['source']).strip()]
    outs = [(i, o) for i, c in enumerate(cells) if c['cell_type'] == 'code' for o in c.get('outputs', [])]
    if code and not outs and path.stem not in NO_OUTPUTS_OK:
        problems.append(f"{name}: no outputs (run python .ci/execute_nbs.py {name})")
    if path.stem in IMAGES and not any(k.startswith('image/') for _, o in outs for k in o.get('data', {})):
        problems.append(f"{name}: no figure among the outputs; this notebook should show one")
    for i, o in outs:
        text = output_text(o)
        if o['output_type'] == 'error': problems.append(f"{name}: cell {i}: error output {o.get('ename')}: {o.get('evalue', '')[:150]}")
        elif 'Traceback (most recent call last)' in text: problems.append(f"{name}: cell {i}: a traceback in the output")
        if o['output_type'] == 'stream' and o.get('name') == 'stderr':
            bad, _ = stderr_problems(text)
            problems += [f"{name}: cell {i}: stderr: {b}" for b in bad]
        if (m := MACHINE_PATH.search(text)):
            line = next(l for l in text.splitlines() if MACHINE_PATH.search(l))
            problems.append(f"{name}: cell {i}: a path of the machine that ran it ({m.group(0)!r}): {line.strip()[:150]!r}")
    size = path.stat().st_size
    if size > NB_BUDGET: problems.append(f"{name}: {size/1e6:.2f} MB, over the {NB_BUDGET/1e6:.1f} MB budget")
    return problems

def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('notebooks', nargs='*', help="notebook names (default: every notebook but _*.ipynb)")
    ap.add_argument('--nbs-dir', type=Path, default=ROOT/'nbs')
    a = ap.parse_args(argv)
    paths = [a.nbs_dir/n for n in a.notebooks] or notebooks(a.nbs_dir)
    problems = [p for path in paths for p in check_notebook(path)]
    total = sum(p.stat().st_size for p in notebooks(a.nbs_dir))
    if total > ALL_BUDGET: problems.append(f"all notebooks: {total/1e6:.2f} MB, over the {ALL_BUDGET/1e6:.0f} MB budget")
    for p in problems: print("output check:", p)
    print(f"output check: {len(paths)} notebooks, {total/1e6:.2f} MB in all, "
          f"{'OK' if not problems else f'{len(problems)} problem(s)'}")
    return 1 if problems else 0

if __name__ == '__main__': sys.exit(main())
