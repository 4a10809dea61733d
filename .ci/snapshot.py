"""Write the committed snapshot of a main-job run that 02_unet and the README show: nbs/main_job/ (metrics.json,
test_samples.png, curves.png, snapshot.json with the run, commit and machine), from a finished run folder.

    python .ci/snapshot.py results/RUN [--out nbs/main_job]

Then refresh 02_unet (python .ci/execute_nbs.py 02_unet.ipynb) and update the README's main-job table: 02_unet's
check fails while the two disagree.
"""
import argparse, json, sys
from pathlib import Path
from depth_nb.train import write_snapshot

ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
ap.add_argument('run', help='a finished main-job run folder'); ap.add_argument('--out', default=None, help='default: nbs/main_job of the checkout')
a = ap.parse_args()
try: s = write_snapshot(a.run, a.out)
except ValueError as e: sys.exit(f"snapshot: {e}")
print(f"snapshot of {s['run']} (commit {s['source'].get('commit')}, {s['source'].get('cpu')}): test d1 {s['test']['d1']:.3f}, "
      f"abs_rel {s['test']['abs_rel']:.3f}, {s['train_minutes']} min of training")
