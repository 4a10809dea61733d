"""Which style-shift change costs a trained UNet most: the style-shift rooms (`STYLE_SHIFT`: seed 1, none of them a
training room) re-rendered with one change of `depth_nb.synthetic.SHIFT_PARTS` at a time, then all of them.

Rows: `none` (the same rooms dressed as for training: the in-distribution reference), each part alone
(`wall_colour`: the wallpaper palette on plain paint; `wall_pattern`: the pattern in the training wall colours;
`floor`: checkered or concrete floors; `lights`: cool daylight or spots; `objects`: plants, stools, floor lamps),
and `all` (the style-shift split itself). Every row sees each frame from the same camera (the one drawn for the
full style-shift room, so that the new objects never move it). Each gives d1,
abs_rel, the median-aligned abs_rel (`abs_rel_med`: what is left once each image's scale is corrected), the
boundary accuracy dbe_acc (pixels, lower is better) and `log_scale`: the median over images of each image's median
log(prediction / truth) (< 0: the model puts the room too near). A change that moves abs_rel but not abs_rel_med
costs scale; one that moves abs_rel_med costs structure.

--frames frames (the first ones of the split, 4 per room) are rendered at the default size (120x160) and predicted
by the UNet of --run (default: the newest main-job run under results/). No timing: it is a measurement of a
model, not of speed. Last line: one JSON object.

    python bench/style_shift.py [--run results/RUN] [--frames 200]
"""
import argparse, json, time, platform
import numpy as np, torch
from depth_nb.evaluation import load_predictor
from depth_nb.main_job import main_job_run
from depth_nb.metrics import DepthMetrics, valid_mask
from depth_nb.synthetic import render_frame, SHIFT_PARTS, STYLE_SHIFT

ap = argparse.ArgumentParser()
ap.add_argument('--run', default=None, help='a UNet run folder (default: the newest main-job run under results/)')
ap.add_argument('--frames', type=int, default=200); ap.add_argument('--batch', type=int, default=8)
args = ap.parse_args()
try: run = args.run or main_job_run('results')
except FileNotFoundError as e: raise SystemExit(f"{e}, or pass --run")
p = load_predictor(run, device='cpu')
h, w, seed = STYLE_SHIFT['height'], STYLE_SHIFT['width'], STYLE_SHIFT['seed']
print(f"model: {run}; {args.frames} style-shift frames ({h}x{w}, seed {seed}); {platform.processor() or platform.machine()}")

t0 = time.perf_counter()
rows = {}
for name, parts in [('none', ())] + [(q, (q,)) for q in SHIFT_PARTS] + [('all', SHIFT_PARTS)]:
    acc, scales = DepthMetrics(), []
    for s in range(0, args.frames, args.batch):
        frames = [render_frame(i, seed, h, w, style='shift', shift_parts=parts) for i in range(s, min(s + args.batch, args.frames))]
        preds = p.predict([f['image'] for f in frames], args.batch)
        for pr, f in zip(preds, frames):
            gt = torch.from_numpy(f['depth'])
            acc.update(pr[None], gt[None])
            ok = valid_mask(gt)                              # the metrics' own valid range
            scales.append(float(torch.log(pr[ok].clamp_min(1e-3)/gt[ok]).median()))
    m = acc.compute()
    rows[name] = dict(d1=round(m['d1'], 3), abs_rel=round(m['abs_rel'], 3), abs_rel_med=round(m['abs_rel_med'], 3),
                      dbe_acc=round(m['dbe_acc'], 2), log_scale=round(float(np.median(scales)), 3))
    print(f"{name:>13}: " + ', '.join(f"{k} {v}" for k, v in rows[name].items()), flush=True)
print(f"{time.perf_counter() - t0:.0f} s")
print(json.dumps(dict(bench='style_shift', run=str(run), frames=args.frames, rows=rows)))
