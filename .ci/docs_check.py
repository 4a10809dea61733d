"""The docs check that runs without Quarto: everything nbdev does *before* Quarto renders the site.

Quarto cannot be installed on this project's CI machine (no network for its binary), so this script
runs nbdev's pre-processing (quarto config, module index, sidebar, notebook processors writing `_proc/`)
and fails on any error. It does NOT render the site and never claims it did: that happens in the
GitHub Actions deploy workflow, where Quarto is available.
"""
import sys, json, re, shutil, warnings
from pathlib import Path
from nbdev.config import get_config
import nbdev.quarto, nbdev.doclinks, nbdev.serve

sys.path.insert(0, str(Path(__file__).resolve().parent))
from output_check import IMAGES

cfg = get_config()
nbs = cfg.nbs_path
problems = []

side = nbs/'sidebar.yml'
committed_sidebar = side.read_text() if side.exists() else ''
nbdev.quarto.refresh_quarto_yml()
nbdev.doclinks._build_modidx()
nbdev.quarto.nbdev_sidebar.__wrapped__(path=nbs)
if side.read_text() != committed_sidebar: problems.append("nbs/sidebar.yml is out of date: commit the one this check regenerated")
shutil.rmtree(cfg.config_path/'_proc', ignore_errors=True)
with warnings.catch_warnings(record=True) as said:
    warnings.simplefilter('always')
    nbdev.serve.proc_nbs(nbs, n_workers=0)
for w in said:      # nbdev runs the import cells to render the docs: a cell that also does other things is run there too
    if 'imports and other code' in str(w.message):
        problems.append("a cell mixes imports with other code (nbdev's docs run import cells): " + str(w.message).split('---')[1].strip().splitlines()[0])

proc = cfg.config_path/'_proc'
sys.path.insert(0, str(Path(__file__).resolve().parent))
from execute_nbs import notebooks as _notebooks
notebooks = _notebooks(nbs)
for nb in notebooks:
    out = proc/nb.relative_to(nbs)
    if not out.exists(): problems.append(f"{nb.name}: not processed into {out}"); continue
    cells = json.loads(out.read_text())['cells']
    md = [''.join(c['source']) for c in cells if c['cell_type'] == 'markdown']
    # every page opens with a title and a one-line summary (nbdev turns them into front matter)
    front = ''.join(cells[0]['source']) if cells else ''
    if not re.search(r'^title:', front, re.M): problems.append(f"{nb.name}: no '# Title' heading at the top")
    if not re.search(r'^description:', front, re.M): problems.append(f"{nb.name}: no '> one-line summary' under the title")
    # the committed figures reach the site: the processed notebook still carries them
    if nb.stem in IMAGES and not any(k.startswith('image/') for c in cells for o in c.get('outputs', []) for k in o.get('data', {})):
        problems.append(f"{nb.name}: no figure in the processed notebook {out}")
    # and the images its Markdown links to exist
    for link in re.findall(r'!\[[^\]]*\]\(([^)\s]+)\)', '\n'.join(md)):
        if '://' not in link and not (nb.parent/link).exists(): problems.append(f"{nb.name}: links to a missing image {link}")

# README.md and the docs home page (index.ipynb) say the same: the home page is written from the README
from index_from_readme import main as index_check
if index_check(['--check']): problems.append("nbs/index.ipynb is not what README.md says: python .ci/index_from_readme.py")
readme = Path('README.md').read_text()
lines, perf = readme.splitlines(), re.search(r'^## Performance\n(.*?)(?=^## |\Z)', readme, re.S | re.M)
if len(lines) >= 120: problems.append(f"README.md has {len(lines)} lines: a newcomer's page stays under 120 (details go to the notebooks)")
if perf is None or len(perf.group(1).rstrip().splitlines()) >= 15:
    problems.append("README.md's Performance section is missing or 15 lines or more: the figures live on nbs/performance.ipynb")
for link in re.findall(r'\]\(([^)\s#]+)\)', readme):          # the README's pictures and pages are in the repository
    if '://' not in link and not Path(link).exists(): problems.append(f"README.md links to {link}, which is not in the repository")

for p in problems: print("docs check:", p)
print(f"docs check: {len(notebooks)} notebooks processed into _proc/ ({'OK' if not problems else f'{len(problems)} problem(s)'}); "
      "Quarto not run here, the site was not rendered")
sys.exit(1 if problems else 0)
