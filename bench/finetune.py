"""Fine-tuning on a few frames of your own, measured offline: the style-shift rooms play "your data".

The 400 style-shift frames (`depth_nb.synthetic.STYLE_SHIFT`: wallpapers, floors, lights and objects the default rooms
never have) are split by room into a few-shot training set (rooms 0-49: 200 frames, of which 20 are held out by room
for validation) and a disjoint test set (rooms 50-99: 200 frames). The main job's UNet (--base) is then scored on the
test frames three ways, each a row of the table:

- `before`: as it is, trained on the default rooms only;
- `fine-tuned`: after fine-tuning on the few-shot frames (`finetune_from` the run: same recipe, --epochs epochs);
- `scratch`: the same recipe and epochs on the same few-shot frames, from random weights.

Beside d1, each row has d1 with each frame's scale given (median alignment, an oracle): what is left once the scale is known.

The same three rows for a transformers model (unless --no-dpt): a small DPT on a DINOv2-shaped backbone (`small_dpt`:
patch 14, 6 blocks of 96 channels, random weights), first trained on the default rooms for
--dpt-epochs (or --dpt-base, such a run made before), then fine-tuned on the few-shot frames with the trainer's
transformers defaults (the backbone at 0.1x the head's learning rate), and trained from scratch on them (from random
weights, every part at one learning rate, as its training on the default rooms).

The runs are ordinary run folders under --results-dir (stamped, nothing overwritten). Last line: one JSON object with
`unet_before_d1`, `unet_finetuned_d1`, `unet_scratch_d1` (and abs_rel), `finetune_minutes`, the `dpt_` figures and the
machine.

    python bench/finetune.py [--base results/RUN] [--epochs 25] [--lr 1.5e-4] [--results-dir results/finetune]
                             [--no-dpt] [--dpt-base RUN] [--dpt-epochs 10] [--dpt-finetune-epochs 25] [--dpt-lr 3e-5]
"""
import argparse, datetime, json, os, platform, time
from pathlib import Path
import numpy as np

ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
ap.add_argument('--base', default=None, help='the main-job run to fine-tune (default: the newest main-job run under results/)')
ap.add_argument('--epochs', type=int, default=25, help='epochs of fine-tuning (and of the scratch run)')
ap.add_argument('--lr', type=float, default=1.5e-4, help="the one-cycle schedule's start (it peaks at 25x)")
ap.add_argument('--loss', default=None, help="the UNet runs' loss (default: the main job's, silog_grad)")
ap.add_argument('--results-dir', default='results/finetune')
ap.add_argument('--no-scratch', action='store_true', help='skip the runs from random weights')
ap.add_argument('--no-dpt', action='store_true', help='the UNet alone, no transformers model')
ap.add_argument('--dpt-base', default=None, help='a small-DPT run on the default rooms made before (default: train one)')
ap.add_argument('--dpt-epochs', type=int, default=10, help='epochs of the small DPT on the default rooms')
ap.add_argument('--dpt-finetune-epochs', type=int, default=25, help='epochs of its fine-tuning (and of its scratch run)')
ap.add_argument('--dpt-lr', type=float, default=3e-5, help="the small DPT's learning rate (one-cycle start; its head's)")
args = ap.parse_args()

import scipy.io, torch
from depth_nb.core import resolve_results_dir, shown
from depth_nb.synthetic import default_dataset, LABELED_NAME, STYLE_SHIFT
from depth_nb.data import open_dataset
from depth_nb.unet import UNetConfig
from depth_nb.train import train, run_source
from depth_nb.predict import evaluate
from depth_nb.evaluation import load_predictor
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

def score(run) -> dict:
    "The test frames' metrics, and d1 with each frame's scale given (median alignment): how much of what is left is scale."
    p = load_predictor(run, device='cpu')
    return evaluate(p, test_ds, batch_size=8) | dict(median_scaled_d1=evaluate(p, test_ds, batch_size=8, align='median')['d1'])

rows = {}
rows['before'] = score(base) | dict(minutes=0.)
def run(name, **kw):
    kw = dict(data_dir=str(few), epochs=args.epochs, lr=args.lr) | kw
    cfg = UNetConfig(results_dir=str(R), run_name=f"{stamp}-{name}", style_shift=False, **kw)
    t0 = time.time(); folder = train(cfg, verbose=False); dt = time.time() - t0
    m = json.loads((folder/'metrics.json').read_text())
    return m['test'] | dict(median_scaled_d1=score(folder)['median_scaled_d1'], minutes=round(dt/60, 2), train_minutes=round(sum(e['epoch_s'] for e in m['epochs'])/60, 2), run=folder.name)
unet_kw = dict(loss=args.loss) if args.loss else {}
rows['fine-tuned'] = run('finetuned', finetune_from=str(base), **unet_kw)
if not args.no_scratch: rows['scratch'] = run('scratch', **unet_kw)

def small_dpt(folder) -> Path:
    "A small DPT on a DINOv2-shaped backbone (patch 14), randomly initialised (seed 0), its head starting near 2.5 m; and its image processor."
    from transformers import Dinov2Config, DPTConfig, DPTImageProcessor, DPTForDepthEstimation
    from depth_nb.data import IMAGENET_PREPROCESSING
    bb = Dinov2Config(hidden_size=96, num_hidden_layers=6, num_attention_heads=3, intermediate_size=384, patch_size=14, image_size=518,
                      out_indices=[2, 3, 4, 6], apply_layernorm=False, reshape_hidden_states=False)
    cfg = DPTConfig(backbone_config=bb, neck_hidden_sizes=[24, 48, 96, 96], fusion_hidden_size=64, add_projection=False,
                    use_bias_in_fusion_residual=False)
    folder = Path(folder); folder.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(0); net = DPTForDepthEstimation(cfg)
    with torch.no_grad(): net.head.head[-2].bias.fill_(2.5)          # the head ends in a ReLU: a random one near 0 m would start half dead
    net.save_pretrained(folder, safe_serialization=True)
    DPTImageProcessor(do_resize=False, do_rescale=True, do_normalize=True, image_mean=IMAGENET_PREPROCESSING['mean'],
                      image_std=IMAGENET_PREPROCESSING['std'], do_pad=False).save_pretrained(folder)
    return folder

dpt = {}
if not args.no_dpt:
    arch = small_dpt(R/'small-dpt')
    if args.dpt_base: dpt_base = Path(args.dpt_base)
    else:
        t0 = time.time()
        dpt_base = train(UNetConfig(model=str(arch), epochs=args.dpt_epochs, lr=args.dpt_lr, backbone_lr_mult=1., results_dir=str(R),
                                    run_name=f"{stamp}-dpt-base", style_shift=False), verbose=False)
        print(f"small DPT trained on the default rooms: {dpt_base.name}, {(time.time() - t0)/60:.1f} min")
    dpt['before'] = score(dpt_base) | dict(minutes=0.)
    dpt['fine-tuned'] = run('dpt-finetuned', model=str(dpt_base/'model'), epochs=args.dpt_finetune_epochs, lr=args.dpt_lr)
    if not args.no_scratch: dpt['scratch'] = run('dpt-scratch', model=str(arch), epochs=args.dpt_finetune_epochs, lr=args.dpt_lr,
                                              backbone_lr_mult=1.)

print(f"\n{'':22s} {'d1':>6s} {'abs_rel':>8s} {'rmse':>6s} {'minutes':>8s} {'d1, scale given':>16s}")
for model, table in (('UNet', rows), ('small DPT', dpt)):
    for k, r in table.items():
        print(f"{model + ' ' + k:22s} {r['d1']:6.3f} {r['abs_rel']:8.3f} {r['rmse']:6.3f} {r['minutes']:8.2f} {r['median_scaled_d1']:16.3f}")
src = run_source()
print(json.dumps(dict(bench='finetune', base=base.name, epochs=args.epochs, lr=args.lr, loss=args.loss or UNetConfig().loss, train_frames=len(train_ds), test_frames=len(test_ds),
                      unet_before_d1=rows['before']['d1'], unet_before_abs_rel=rows['before']['abs_rel'],
                      unet_finetuned_d1=rows['fine-tuned']['d1'], unet_finetuned_abs_rel=rows['fine-tuned']['abs_rel'],
                      unet_before_median_scaled_d1=rows['before']['median_scaled_d1'],
                      unet_finetuned_median_scaled_d1=rows['fine-tuned']['median_scaled_d1'],
                      unet_scratch_d1=rows.get('scratch', {}).get('d1'), unet_scratch_abs_rel=rows.get('scratch', {}).get('abs_rel'),
                      finetune_minutes=rows['fine-tuned']['minutes'], scratch_minutes=rows.get('scratch', {}).get('minutes'),
                      **({f"dpt_{k.replace('fine-tuned', 'finetuned')}_{m}": v[m] for k, v in dpt.items() for m in ('d1', 'abs_rel', 'minutes')}
                         | dict(dpt_base=dpt_base.name, dpt_finetune_epochs=args.dpt_finetune_epochs, dpt_lr=args.dpt_lr) if dpt else {}),
                      cpu=src['cpu'], cpu_flags=src['cpu_flags'], cpus=src['cpus'], gpu=src['gpu'], torch=torch.__version__,
                      python=platform.python_version())))
