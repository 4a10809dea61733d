"""Benchmark the ways a prediction reaches the photo's size (`depth_nb.predict.upsample_depth`): bilinear,
bicubic, and image-guided (`guided_upsample`: bicubic, then a guided filter with the photo as guide).

--frames synthetic test frames (evenly spaced over `room_split(3000)`'s test side) are rendered at 480x640 with
`depth_nb.synthetic.render_frame(index, seed=0, height=480, width=640)` and predicted by the UNet of --run (its
best checkpoint, else the last; default: the newest main-job run under results/) on the CPU, once per `upsample`. Each row gives abs_rel and d1 against the dense
ground truth (`depth`), the iBims-1 depth boundary errors dbe_acc and dbe_comp (pixels, `depth_nb.metrics`,
lower is better; images without ground-truth edges left out) and ms an image (the whole `Predictor.predict`
for the model rows: resize, forward pass, upsampling; the upsampling alone for the others).

- `model/*`: the model's predictions, upsampled each way;
- `model/guided r=k*s`, `model/guided log`, `model/guided grey`: the same low-resolution predictions, guided
  with another radius (k model pixels; the default is 2), filtered in log depth (the default filters depth) or
  guided by the grey image (the default: RGB);
- `model/guided sub=n`: the fast guided filter's window statistics at 1/n of the photo's size (n = 1: the exact
  filter; the default is `guided_subsample(radius)`), timed on the upsampling alone;
- `gt/*`: the ground truth area-downsampled to the model's size and upsampled each way: what upsampling alone
  can give back (an upper bound; the model's blur is not there).

Last line: one JSON object.

    python bench/upsample.py [--frames 40] [--run results/RUN] [--batch 4] [--radii 1,3] [--subsamples 1,2,3,5] [--threads 1]
"""
import argparse, json, os, time, platform
from pathlib import Path
import numpy as np, torch
import torch.nn.functional as F
from depth_nb.core import evenly_spaced
from depth_nb.data import to_model_input
from depth_nb.metrics import DepthMetrics
from depth_nb.predict import UNetPredictor, UPSAMPLING, GUIDED_RADIUS, guided_upsample, guided_radius, guided_subsample, upsample_depth
from depth_nb.synthetic import render_frame, room_split
from depth_nb.main_job import main_job_run

ap = argparse.ArgumentParser()
ap.add_argument('--frames', type=int, default=40); ap.add_argument('--run', default=None, help='a UNet run folder (default: the newest main-job run)')
ap.add_argument('--batch', type=int, default=4); ap.add_argument('--radii', default='1,3', help='other radii to try, in model pixels')
ap.add_argument('--subsamples', default='1,2,3,5', help="the fast guided filter's subsampling factors to try (1: exact)")
ap.add_argument('--threads', type=int, default=1, help='torch threads (1: steady timings on a shared machine)')
args = ap.parse_args()
try: args.run = str(args.run or main_job_run('results'))
except FileNotFoundError as e: raise SystemExit(f"{e}, or pass --run")
torch.set_num_threads(args.threads)

t0 = time.perf_counter()
test = room_split(3000)[1]
idx = [int(test[i]) for i in evenly_spaced(len(test), args.frames)]
frames = [render_frame(i, seed=0, height=480, width=640) for i in idx]
images = [f['image'] for f in frames]
gts = torch.from_numpy(np.stack([f['depth'] for f in frames]).astype(np.float32))
t_render = time.perf_counter() - t0
print(f"{len(frames)} synthetic test frames rendered at 480x640 in {t_render:.1f} s")

tag = 'best' if (Path(args.run)/'checkpoints'/'best.json').exists() else 'last'
rows = {}
def score(name, preds, ms):
    m = DepthMetrics(max_depth=10., boundary=True)
    for p, g in zip(preds, gts): m.update(p[None], g[None])
    r = m.compute()
    rows[name] = dict(abs_rel=round(r['abs_rel'], 4), d1=round(r['d1'], 4), dbe_acc=round(r['dbe_acc'], 3),
                      dbe_comp=round(r['dbe_comp'], 3), ms_per_image=round(ms, 1))
    print(f"{name:24s} abs_rel {r['abs_rel']:.4f}  d1 {r['d1']:.4f}  dbe_acc {r['dbe_acc']:6.3f}  dbe_comp {r['dbe_comp']:6.3f}  "
          f"{ms:6.1f} ms/image  ({r['n_boundary_images']} of {r['n_images']} images with edges)", flush=True)

def timed(f):
    t = time.perf_counter(); out = f(); return out, 1000*(time.perf_counter() - t)/len(frames)

# the model, each way, through Predictor.predict (what `depth_nb predict` and `evaluate` run)
pred = {u: UNetPredictor.from_run(args.run, tag=tag, device='cpu', upsample=u) for u in UPSAMPLING}
net = pred['guided']
net.predict(images[:args.batch], args.batch)                                  # warm-up
for u in UPSAMPLING:
    preds, ms = timed(lambda: pred[u].predict(images, args.batch))
    score(f"model/{u}", preds, ms)

# the same low-resolution predictions, other settings of the guided filter
@torch.inference_mode()
def lowres(batch):
    "The UNet's output at its own size (what `UNetPredictor._forward` computes before upsampling)."
    x = to_model_input(np.stack(batch), net.size, net.preprocessing)
    if net.channels_last: x = x.contiguous(memory_format=torch.channels_last)
    return net.net.eval()(x).float()[:, 0]
low = torch.cat([lowres(images[i:i + args.batch]) for i in range(0, len(images), args.batch)])
check = guided_upsample(low[0], images[0])
assert torch.allclose(check, pred['guided'].predict(images[0]), atol=1e-4), "the bench's low-resolution maps are not the predictor's"
s = guided_radius(low.shape[-2:], (480, 640))/GUIDED_RADIUS                  # photo pixels per model pixel
for k in (float(x) for x in args.radii.split(',') if x):
    preds, ms = timed(lambda: [guided_upsample(l, im, radius=max(1, round(k*s))) for l, im in zip(low, images)])
    score(f"model/guided r={k:g}*s", preds, ms)
for n in (int(x) for x in args.subsamples.split(',') if x):
    preds, ms = timed(lambda: [guided_upsample(l, im, subsample=n) for l, im in zip(low, images)])
    score(f"model/guided sub={n}", preds, ms)
preds, ms = timed(lambda: [guided_upsample(l.log(), im).exp() for l, im in zip(low, images)])
score("model/guided log", preds, ms)
grey = [np.round(im @ np.array([0.299, 0.587, 0.114])).astype(np.uint8) for im in images]     # luma
preds, ms = timed(lambda: [guided_upsample(l, g) for l, g in zip(low, grey)])
score("model/guided grey", preds, ms)

# the ground truth at the model's size, upsampled each way: the bound
small = F.interpolate(gts[:, None], size=net.size, mode='area')[:, 0]
for u in UPSAMPLING:
    preds, ms = timed(lambda: [upsample_depth(l[None], im[None], u)[0] for l, im in zip(small, images)])
    score(f"gt/{u}", preds, ms)
for n in (int(x) for x in args.subsamples.split(',') if x):
    preds, ms = timed(lambda: [guided_upsample(l, im, subsample=n) for l, im in zip(small, images)])
    score(f"gt/guided sub={n}", preds, ms)
for k in (float(x) for x in args.radii.split(',') if x):
    preds, ms = timed(lambda: [guided_upsample(l, im, radius=max(1, round(k*s))) for l, im in zip(small, images)])
    score(f"gt/guided r={k:g}*s", preds, ms)

b, g = rows['model/bicubic'], rows['model/guided']
better = g['dbe_acc'] < b['dbe_acc'] and g['dbe_comp'] < b['dbe_comp'] and g['abs_rel'] <= b['abs_rel'] + 0.002 and g['d1'] >= b['d1'] - 0.005
print(f"guided vs bicubic (model): dbe_acc {b['dbe_acc']:.3f} -> {g['dbe_acc']:.3f}, dbe_comp {b['dbe_comp']:.3f} -> {g['dbe_comp']:.3f}, "
      f"abs_rel {b['abs_rel']:.4f} -> {g['abs_rel']:.4f}, d1 {b['d1']:.4f} -> {g['d1']:.4f}; default: {'guided' if better else 'not guided'}; "
      f"{time.perf_counter() - t0:.0f} s in all, {torch.get_num_threads()} torch threads, load {os.getloadavg()[0]:.1f}")
print(json.dumps(dict(bench='upsample', machine=platform.processor() or platform.machine(), cpus=os.cpu_count(),
                      torch_threads=torch.get_num_threads(), run=args.run, tag=tag, frames=len(frames), height=480, width=640,
                      model_size=list(net.size), radius=guided_radius(net.size, (480, 640)),
                      subsample=guided_subsample(guided_radius(net.size, (480, 640))), rows=rows,
                      guided_better=better, seconds=round(time.perf_counter() - t0, 1))))
