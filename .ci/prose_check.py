"""What the docs say speaks to users: no work log in the notebooks, the README, the benchmarks or the package's docstrings.

    python .ci/prose_check.py [FILE ...]

History lives in git. This check fails on text that belongs to the builders' log rather than to a user's guide:
- issue or pull-request numbers (`#15`, `issue 36`), and numbered work sessions (`session 12`, `Session 18:`);
- internal run ids (`s15-main-20ep`, `s4-main-20ep`): a run is described by its settings, commit and machine;
- `/tmp` scripts or drafts (`/tmp/s18/probe.py`, "from /tmp drafts"): a figure comes with a command anyone can run;
- work-log phrases ("handed back as blocked", "work in progress", "WIP").
It reads every notebook under nbs/ (markdown, code and the text of its outputs), README.md, bench/*.py and
depth_nb/*.py. Exit status 1 on any finding, each naming the file, the cell or line, and the text.
"""
import json, re, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT/'.ci'))
from execute_nbs import notebooks

PATTERNS = {
    'an issue number': r'(?<![\w&/#])#\d{1,4}\b(?![\w-])|\b[Ii]ssues? \d+\b|\bPR \d+\b',
    'a numbered work session': r'\b[Ss]essions? \d+\b|\b[Ss]\d{1,2} (?:run|main job)\b',
    'an internal run id': r'\bs\d{1,3}-[a-z][\w-]*\b',
    'a /tmp script or draft': r'/tmp/[\w./-]*\.py\b|/tmp\b.{0,20}\b(?:draft|probe|script)s?\b|\b(?:draft|probe|script)s? (?:in|from) `?/tmp',
    'a work-log phrase': r'\bhanded back\b|\bwork[- ]in[- ]progress\b|\bWIP\b|\bwork log\b',
}
FOUND = {k: re.compile(v) for k, v in PATTERNS.items()}

def findings(text:str, where:str) -> list:
    "Every finding in `text`, each as 'where: what: the line'."
    out = []
    for n, line in enumerate(text.splitlines(), 1):
        if line.startswith('# %% '): continue                        # nbdev's cell markers in the exported modules
        for what, rx in FOUND.items():
            if (m := rx.search(line)): out.append(f"{where}, line {n}: {what} ({m.group(0)!r}): {line.strip()[:160]!r}")
    return out

def output_text(o:dict) -> str:
    if o.get('output_type') == 'stream': return ''.join(o.get('text', ''))
    return '\n'.join(''.join(v) if isinstance(v, list) else str(v) for k, v in o.get('data', {}).items() if k.startswith('text/'))

def check_notebook(path:Path) -> list:
    name, out = str(path.relative_to(ROOT)), []
    for i, c in enumerate(json.loads(path.read_text())['cells']):
        out += findings(''.join(c['source']), f"{name}, cell {i}")
        for o in c.get('outputs', []): out += findings(output_text(o), f"{name}, cell {i} output")
    return out

def main(argv=None) -> int:
    args = sys.argv[1:] if argv is None else argv
    files = [Path(a).resolve() for a in args] or (notebooks(ROOT/'nbs') + [ROOT/'README.md'] + sorted((ROOT/'bench').glob('*.py'))
                                                    + sorted(p for p in (ROOT/'depth_nb').glob('*.py') if p.name != '_modidx.py'))
    problems = []
    for f in files:
        problems += check_notebook(f) if f.suffix == '.ipynb' else findings(f.read_text(), str(f.relative_to(ROOT)))
    for p in problems: print("prose check:", p)
    print(f"prose check: {len(files)} files read, {'no work-log text' if not problems else f'{len(problems)} finding(s)'}")
    return 1 if problems else 0

if __name__ == '__main__': sys.exit(main())
