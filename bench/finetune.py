"""Fine-tuning on a few frames of your own, measured offline: the style-shift rooms play "your data".

The 400 style-shift frames (`depth_nb.synthetic.STYLE_SHIFT`: wallpapers, floors, lights and objects the default rooms
never have) are split by room into a few-shot training set (rooms 0-49: 200 frames, of which 20 are held out by room
for validation) and a disjoint test set (rooms 50-99: 200 frames). The main job's UNet (--base) is then scored on the
test frames three ways, each a row of the table:

- `before`: as it is, trained on the default rooms only;
- `fine-tuned`: after fine-tuning on the few-shot frames (`finetune_from` the run: same recipe, --epochs epochs);
- `scratch`: the same recipe and epochs on the same few-shot frames, from random weights.

The fine-tuning and scratch runs are ordinary run folders under --results-dir (stamped, nothing overwritten). Last
line: one JSON object with `unet_before_d1`, `unet_finetuned_d1`, `unet_scratch_d1` (and abs_rel), `finetune_minutes`
and the machine.

    python bench/finetune.py [--base results/RUN] [--epochs 40] [--lr 1.5e-4] [--results-dir results/finetune]
"""
import argparse, datetime, json, os, platform, time
from pathlib import Path
import numpy as np

ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
ap.add_argument('--base', default=None, help='the main-job run to fine-tune (default: the newest main-job run under results/)')
ap.add_argument('--epochs', type=int, default=40, help='epochs of fine-tuning (and of the scratch run)')
ap.add_argument('--lr', type=float, default=1.5e-4, help="the one-cycle schedule's start (it peaks at 25x)")
ap.add_argument('--results-dir', default='results/finetune')
ap.add_argument('--no-scratch', action='store_true', help='skip the run from random weights')
args = ap.parse_args()

import scipy.io, torch
from depth_nb.core import resolve_results_dir, shown
from depth_nb.synthetic import default_dataset, LABELED_NAME, STYLE_SHIFT
from depth_nb.data import open_dataset
from depth_nb.unet import UNetConfig
from depth_nb.train import train, run_source
from depth_nb.predict import UNetPredictor, evaluate
from depth_nb.main_job import main_job_run

base = Path(args.base) if args.base else main_job_run('results')
R = resolve_results_dir(args.results_dir); R.mkdir(parents=True, exist_ok=True)
stamp = f"{datetime.datetime.now():%Y%m%d-%H%M%S}"

# the few-shot dataset: the style-shift file, with a split by room of our own beside it
few = R/'style-shift-few-shot'
if not (few/'splits.mat').exists():
    few.mkdir(parents=True, exist_ok=True)
    src = default_dataset(style='shift')/LABELED_NAME
    if not (few/LABELED_NAME).exists(): os.symlink(src, few/LABELED_NAME)
    n, half = STYLE_SHIFT['n_frames'], STYLE_SHIFT['n_frames']//2            # 4 frames a room: rooms 0-49 | 50-99
    scipy.io.savemat(few/'splits.mat', dict(trainNdxs=np.arange(1, half + 1)[:, None], testNdxs=np.arange(half + 1, n + 1)[:, None]))
train_ds, test_ds = open_dataset(few, 'train', verbose=False), open_dataset(few, 'test', verbose=False)
assert not set(train_ds.scenes) & set(test_ds.scenes)
print(f"few-shot frames: {len(train_ds)} training (+{len(open_dataset(few, 'val', verbose=False))} validation), "
      f"{len(test_ds)} test, in rooms apart; base run {shown(base)}")

def score(run_or_predictor) -> dict:
    p = run_or_predictor if isinstance(run_or_predictor, UNetPredictor) else UNetPredictor.from_run(run_or_predictor, device='cpu')
    return evaluate(p, test_ds, batch_size=8)

rows = {}
rows['before'] = score(base) | dict(minutes=0.)
def run(name, **kw):
    cfg = UNetConfig(data_dir=str(few), epochs=args.epochs, lr=args.lr, results_dir=str(R), run_name=f"{stamp}-{name}",
                     style_shift=False, **kw)
    t0 = time.time(); folder = train(cfg, verbose=False); dt = time.time() - t0
    m = json.loads((folder/'metrics.json').read_text())
    return m['test'] | dict(minutes=round(dt/60, 2), train_minutes=round(sum(e['epoch_s'] for e in m['epochs'])/60, 2), run=folder.name)
rows['fine-tuned'] = run('finetuned', finetune_from=str(base))
if not args.no_scratch: rows['scratch'] = run('scratch')

print(f"\n{'':12s} {'d1':>6s} {'abs_rel':>8s} {'rmse':>6s} {'minutes':>8s}")
for k, r in rows.items(): print(f"{k:12s} {r['d1']:6.3f} {r['abs_rel']:8.3f} {r['rmse']:6.3f} {r['minutes']:8.2f}")
src = run_source()
print(json.dumps(dict(bench='finetune', base=base.name, epochs=args.epochs, lr=args.lr, train_frames=len(train_ds), test_frames=len(test_ds),
                      unet_before_d1=rows['before']['d1'], unet_before_abs_rel=rows['before']['abs_rel'],
                      unet_finetuned_d1=rows['fine-tuned']['d1'], unet_finetuned_abs_rel=rows['fine-tuned']['abs_rel'],
                      unet_scratch_d1=rows.get('scratch', {}).get('d1'), unet_scratch_abs_rel=rows.get('scratch', {}).get('abs_rel'),
                      finetune_minutes=rows['fine-tuned']['minutes'], scratch_minutes=rows.get('scratch', {}).get('minutes'),
                      cpu=src['cpu'], cpu_flags=src['cpu_flags'], cpus=src['cpus'], gpu=src['gpu'], torch=torch.__version__,
                      python=platform.python_version())))
