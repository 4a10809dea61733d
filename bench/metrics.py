"""Benchmark depth_nb.metrics: all metrics (SSIM included) on 654 frames of 480x640 with the Eigen crop,
batched torch, against a per-image loop of skimage's SSIM + numpy for the other metrics (what a
notebook typically does). Both are timed in this process; the loop runs on a subset of frames and is
compared per frame. Last line: one JSON object.

    python bench/metrics.py [--frames 654] [--baseline-frames 40] [--batch 16]
"""
import argparse, json, os, time
import numpy as np, torch
import torch.nn.functional as F
from skimage.metrics import structural_similarity
from depth_nb.metrics import DepthMetrics, EIGEN_CROP

ap = argparse.ArgumentParser()
ap.add_argument('--frames', type=int, default=654); ap.add_argument('--baseline-frames', type=int, default=40)
ap.add_argument('--batch', type=int, default=16)
ap.add_argument('--device', default='cpu', help='cpu or cuda (batches are moved there before timing)')
args = ap.parse_args()

def make_batch(i, n, seed=0):
    "Structured depth maps (smooth room-like ramps + steps) and noisy predictions, with holes."
    g = torch.Generator().manual_seed(seed*100003 + i)
    coarse = torch.rand(n, 1, 6, 8, generator=g)*6 + 1
    gt = F.interpolate(coarse, size=(480, 640), mode='bilinear', align_corners=False)[:, 0]
    gt[:, :, 300:] += (torch.rand(n, 1, 1, generator=g) > 0.5)*1.5          # an occlusion edge
    pred = gt*torch.exp(0.1*torch.randn(n, 480, 640, generator=g)) + 0.2*torch.randn(n, 1, 1, generator=g)
    holes = torch.rand(n, 480, 640, generator=g) < 0.05
    gt[holes] = 0
    return pred, gt

def numpy_loop(pred, gt):
    rows = []
    for p, g in zip(pred, gt):
        m = (g > 1e-3) & (g < 10); crop = np.zeros_like(m); r0, r1, c0, c1 = EIGEN_CROP; crop[r0:r1, c0:c1] = True; m &= crop
        p = np.clip(p, 1e-3, 10)
        pv, gv = p[m], g[m]
        e = np.log(pv) - np.log(gv); th = np.maximum(gv/pv, pv/gv)
        row = dict(mse=np.mean((gv-pv)**2), abs_rel=np.mean(np.abs(gv-pv)/gv), sq_rel=np.mean((gv-pv)**2/gv),
                   rmse_log=np.sqrt(np.mean(e**2)), log10=np.mean(np.abs(np.log10(gv)-np.log10(pv))),
                   silog=100*np.sqrt(np.mean(e**2)-np.mean(e)**2), d1=np.mean(th < 1.25), d2=np.mean(th < 1.25**2), d3=np.mean(th < 1.25**3))
        # the protocol's 2-D SSIM: holes filled with the prediction, the map averaged over valid pixels
        _, smap = structural_similarity(p, np.where(m, g, p), data_range=10., gaussian_weights=True, sigma=1.5,
                                        use_sample_covariance=False, full=True)
        row['ssim'] = smap[5:-5, 5:-5][m[5:-5, 5:-5]].mean()
        rows.append(row)
    return rows

# warm-up both paths
p0, g0 = make_batch(0, 2)
DepthMetrics(eigen_crop=True).update(p0, g0).compute(); numpy_loop(p0.numpy(), g0.numpy())

batches = [make_batch(i, min(args.batch, args.frames - i*args.batch)) for i in range((args.frames + args.batch - 1)//args.batch)]
dev = torch.device(args.device)
batches_dev = [(p.to(dev), g.to(dev)) for p, g in batches]
DepthMetrics(eigen_crop=True).update(*batches_dev[0])       # warm-up on the device
if dev.type == 'cuda': torch.cuda.synchronize()
t0 = time.perf_counter()
acc = DepthMetrics(eigen_crop=True)
for p, g in batches_dev: acc.update(p, g)
res = acc.compute()
t_torch = time.perf_counter() - t0
fps = args.frames / t_torch
print(f"depth_nb.metrics, batched torch on {args.device} ({torch.get_num_threads()} CPU threads), {args.frames} frames 480x640: "
      f"{t_torch:.2f}s, {fps:.1f} frames/s  (abs_rel {res['abs_rel']:.4f}, ssim {res['ssim']:.4f})")

nb = args.baseline_frames
pb, gb = torch.cat([b[0] for b in batches])[:nb].numpy(), torch.cat([b[1] for b in batches])[:nb].numpy()
t0 = time.perf_counter(); rows = numpy_loop(pb, gb); t_loop = time.perf_counter() - t0
fps_loop = nb / t_loop
print(f"per-image loop (skimage SSIM + numpy), {nb} frames: {t_loop:.2f}s, {fps_loop:.2f} frames/s")
# same numbers on the same frames (SSIM conventions differ only in the window border)
chk = DepthMetrics(eigen_crop=True).update(torch.from_numpy(pb), torch.from_numpy(gb)).compute()
print(f"agreement on those frames: abs_rel {chk['abs_rel']:.6f} vs {np.mean([r['abs_rel'] for r in rows]):.6f}, "
      f"ssim {chk['ssim']:.4f} vs {np.mean([r['ssim'] for r in rows]):.4f}")
speedup = fps / fps_loop
print(f"speedup vs skimage loop: {speedup:.1f}x (goal >= 20x)")
print(json.dumps(dict(bench='metrics', device=args.device, frames=args.frames, height=480, width=640, batch=args.batch, threads=torch.get_num_threads(),
                      frames_per_s=round(fps, 2), baseline_frames=nb, baseline_frames_per_s=round(fps_loop, 3),
                      speedup_vs_skimage=round(speedup, 1), goal=20, goal_met=speedup >= 20)))
