"""Write the docs home page, nbs/index.ipynb, from README.md: one source for the two pages a newcomer reads first.

    python .ci/index_from_readme.py [--check]

The README's text is split into one markdown cell per `## ` section (the title, summary and introduction first), and
its links are made relative to nbs/ (`nbs/02_unet.ipynb` -> `02_unet.ipynb`, the `nbs/api/` folder -> its first
notebook). `--check` writes nothing and exits 1 when nbs/index.ipynb does not hold what the README says (the docs
check runs it).
"""
import argparse, hashlib, json, re, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INDEX = ROOT/'nbs'/'index.ipynb'

def cell(kind:str, text:str) -> dict:
    c = dict(cell_type=kind, id=hashlib.sha1(text.encode()).hexdigest()[:8], metadata={}, source=text.splitlines(keepends=True))
    if kind == 'code': c.update(execution_count=None, outputs=[])
    return c

def index_cells(readme:str) -> list:
    "The home page's cells for the README text `readme`."
    text = readme.replace('](nbs/api/)', '](api/00_core.ipynb)').replace('](nbs/', '](')
    parts = re.split(r'\n(?=## )', text.strip('\n'))
    return [cell('markdown', parts[0]), cell('code', '#| hide\nimport depth_nb')] + [cell('markdown', p) for p in parts[1:]]

def sources(cells:list) -> list: return [(c['cell_type'], ''.join(c['source']).strip()) for c in cells]

def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--check', action='store_true', help='compare instead of writing')
    a = ap.parse_args(argv)
    cells = index_cells((ROOT/'README.md').read_text())
    if a.check:
        same = INDEX.exists() and sources(json.loads(INDEX.read_text())['cells']) == sources(cells)
        if not same: print("nbs/index.ipynb does not match README.md: run python .ci/index_from_readme.py")
        return 0 if same else 1
    meta = json.loads(INDEX.read_text())['metadata'] if INDEX.exists() else dict(kernelspec=dict(display_name='python3', language='python', name='python3'))
    INDEX.write_text(json.dumps(dict(cells=cells, metadata=meta, nbformat=4, nbformat_minor=5), indent=1, ensure_ascii=False) + '\n')
    print(f"wrote {INDEX.relative_to(ROOT)} ({len(cells)} cells) from README.md")
    return 0

if __name__ == '__main__': sys.exit(main())
