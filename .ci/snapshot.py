"""Write the committed snapshot of a main-job run that 02_unet, 05_evaluation and the README show: nbs/main_job/
(metrics.json, test_samples.png, curves.png, snapshot.json with the run, commit and machine; leaderboard.json and
leaderboard.png: the run, the baselines and the newest scikit-learn model on the whole test split), from a finished run folder.

    python .ci/snapshot.py results/RUN --sklearn-model results/sklearn/STAMP|none [--out nbs/main_job]

Then refresh the notebooks that show it (python .ci/execute_nbs.py 02_unet.ipynb 05_evaluation.ipynb performance.ipynb) and
update the README's main-job table: 02_unet's check fails while the two disagree.
"""
import argparse, sys
from pathlib import Path
from depth_nb.main_job import write_snapshot
from depth_nb.evaluation import write_leaderboard_snapshot

ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
ap.add_argument('run', help='a finished main-job run folder'); ap.add_argument('--out', default=None, help='default: nbs/main_job of the checkout')
ap.add_argument('--sklearn-model', required=True, help="the scikit-learn model on the leaderboard: a folder under results/sklearn (the one searched on 120 images: papermill nbs/03_sklearn.ipynb results/03_sklearn.ipynb -p n_train_images 120 -p test_images 60 -p pixels_per_image 300), or none")
a = ap.parse_args()
try:
    s = write_snapshot(a.run, a.out)
    b = write_leaderboard_snapshot(a.run, a.out, sklearn_model=None if a.sklearn_model == 'none' else a.sklearn_model, verbose=False)
except ValueError as e: sys.exit(f"snapshot: {e}")
print(f"snapshot of {s['run']} (commit {s['source'].get('commit')}, {s['source'].get('cpu')}): test d1 {s['test']['d1']:.3f}, "
      f"abs_rel {s['test']['abs_rel']:.3f}, {s['train_minutes']} min of training")
for name, r in b['results'].items():
    print(f"  leaderboard: {name}: " + (f"abs_rel {r['abs_rel']:.3f}, rmse {r['rmse']:.3f}, d1 {r['d1']:.3f}" if 'abs_rel' in r else r['status']))
