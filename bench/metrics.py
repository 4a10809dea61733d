"""Benchmark depth_nb.metrics: all metrics (SSIM and the median-aligned abs_rel included) on 654 frames of 480x640 with
the Eigen crop, batched torch, against a per-image loop of skimage's SSIM + numpy for the other metrics (what a
notebook typically does). The depth boundary errors (dbe_acc, dbe_comp: Canny + distance transforms, numpy on one
thread) are left out on both sides (boundary=False): the loop has no counterpart, and their cost is the same
scikit-image/scipy calls in either. Both run in this process, alternating over several rounds (a shared machine is
noisy): each round times a torch pass over all the frames and the loop over a few of them; the reported
speedup is the median of the rounds' ratios. The loop's frames are also scored by torch (untimed) and compared
frame by frame. Last line: one JSON object.

    python bench/metrics.py [--frames 654] [--baseline-frames 16] [--rounds 5] [--batch 16] [--threads auto]

--threads sets torch's threads: with n > 1, depth_nb.metrics scores n images at a time on worker threads, torch
on one thread each. The default, auto, picks before each round whichever of 1 thread and all cores is faster on
one batch right now: on a 2-core machine shared with other jobs, a multi-threaded op
waits for a thread that the OS may have given to another process (milliseconds, at every op), so the second
core only helps while it is idle. The skimage loop is single-threaded either way.
"""
import argparse, json, os, platform, statistics, time
import numpy as np, torch
import torch.nn.functional as F
from skimage.metrics import structural_similarity
from depth_nb.metrics import DepthMetrics, EIGEN_CROP

ap = argparse.ArgumentParser()
ap.add_argument('--frames', type=int, default=654); ap.add_argument('--baseline-frames', type=int, default=16, help='loop frames per round')
ap.add_argument('--rounds', type=int, default=5); ap.add_argument('--batch', type=int, default=16)
ap.add_argument('--threads', default='auto', help="torch intra-op threads, or auto (see above)")
ap.add_argument('--device', default='cpu', help='cpu or cuda (batches are moved there before timing)')
args = ap.parse_args()
cores = torch.get_num_threads()
thread_choices = sorted({1, cores}) if args.threads == 'auto' else [int(args.threads)]

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
        p_raw, p = p, np.clip(p, 1e-3, 10)
        pv, gv = p[m], g[m]
        k = (len(gv) - 1)//2                       # lower medians (torch's convention) of gt and of the unclipped prediction
        pm = np.clip(p_raw[m]*(np.partition(gv, k)[k]/max(np.partition(p_raw[m], k)[k], 1e-12)), 1e-3, 10)
        e = np.log(pv) - np.log(gv); th = np.maximum(gv/pv, pv/gv)
        row = dict(mse=np.mean((gv-pv)**2), abs_rel=np.mean(np.abs(gv-pv)/gv), sq_rel=np.mean((gv-pv)**2/gv),
                   rmse_log=np.sqrt(np.mean(e**2)), log10=np.mean(np.abs(np.log10(gv)-np.log10(pv))),
                   silog=100*np.sqrt(np.mean(e**2)-np.mean(e)**2), d1=np.mean(th < 1.25), d2=np.mean(th < 1.25**2), d3=np.mean(th < 1.25**3),
                   abs_rel_med=np.mean(np.abs(gv - pm)/gv))
        # the protocol's 2-D SSIM: holes filled with the prediction, the map averaged over valid pixels
        _, smap = structural_similarity(p, np.where(m, g, p), data_range=10., gaussian_weights=True, sigma=1.5,
                                        use_sample_covariance=False, full=True)
        row['ssim'] = smap[5:-5, 5:-5][m[5:-5, 5:-5]].mean()
        rows.append(row)
    return rows

# warm-up both paths
p0, g0 = make_batch(0, 2)
DepthMetrics(eigen_crop=True, boundary=False).update(p0, g0).compute(); numpy_loop(p0.numpy(), g0.numpy())

batches = [make_batch(i, min(args.batch, args.frames - i*args.batch)) for i in range((args.frames + args.batch - 1)//args.batch)]
dev = torch.device(args.device)
batches_dev = [(p.to(dev), g.to(dev)) for p, g in batches]
DepthMetrics(eigen_crop=True, boundary=False).update(*batches_dev[0])       # warm-up on the device
sync = torch.cuda.synchronize if dev.type == 'cuda' else (lambda: None)
all_p, all_g = torch.cat([b[0] for b in batches]), torch.cat([b[1] for b in batches])

nb = args.baseline_frames
t_torch, t_loop, ratios, loop_idx = [], [], [], []
def probe(n):
    "Time one batch with n threads."
    torch.set_num_threads(n); sync(); t0 = time.perf_counter()
    DepthMetrics(eigen_crop=True, boundary=False).update(*batches_dev[0]); sync()
    return time.perf_counter() - t0

threads_used = []
for rnd in range(args.rounds):
    n_threads = min(thread_choices, key=probe) if len(thread_choices) > 1 else thread_choices[0]
    torch.set_num_threads(n_threads); threads_used.append(n_threads)
    sync(); t0 = time.perf_counter()
    acc = DepthMetrics(eigen_crop=True, boundary=False)
    for p, g in batches_dev: acc.update(p, g)
    res = acc.compute(); sync()
    t_torch.append((time.perf_counter() - t0)/args.frames)
    idx = [(rnd*nb + j) % args.frames for j in range(nb)]              # other frames each round
    pb, gb = all_p[idx].numpy(), all_g[idx].numpy()
    t0 = time.perf_counter(); rows = numpy_loop(pb, gb); t_loop.append((time.perf_counter() - t0)/nb)
    ratios.append(t_loop[-1]/t_torch[-1]); loop_idx += idx
    print(f"round {rnd + 1}: torch ({n_threads} thread{'s'*(n_threads > 1)}) {1/t_torch[-1]:.1f} frames/s, "
          f"skimage loop {1/t_loop[-1]:.2f} frames/s, ratio {ratios[-1]:.2f}")

fps, fps_loop, speedup = 1/statistics.median(t_torch), 1/statistics.median(t_loop), statistics.median(ratios)
threads = statistics.median_low(threads_used)
print(f"depth_nb.metrics, batched torch on {args.device} ({'/'.join(map(str, threads_used))} CPU threads in the rounds), {args.frames} frames 480x640: "
      f"{fps:.1f} frames/s (median of {args.rounds} rounds; abs_rel {res['abs_rel']:.4f}, ssim {res['ssim']:.4f})")
print(f"per-image loop (skimage SSIM + numpy), {nb} frames a round: {fps_loop:.2f} frames/s (median)")

# agreement, frame by frame, on every frame the loop scored
pb, gb = all_p[loop_idx].numpy(), all_g[loop_idx].numpy()
ref = numpy_loop(pb, gb)
chk = DepthMetrics(eigen_crop=True, keep_per_image=True, boundary=False).update(torch.from_numpy(pb).to(dev), torch.from_numpy(gb).to(dev)).per_image
diff = {k: max(abs(c[k] - float(r[k])) for c, r in zip(chk, ref)) for k in ref[0]}
rel = {k: max(abs(c[k] - float(r[k]))/max(abs(float(r[k])), 1e-12) for c, r in zip(chk, ref)) for k in ref[0]}
print(f"agreement on {len(ref)} frames, max |torch - reference| per frame: " + ', '.join(f"{k} {diff[k]:.1e}" for k in ref[0])
      + f"  (relative, metrics other than ssim: max {max(v for k, v in rel.items() if k != 'ssim'):.1e})")
assert diff['ssim'] <= 1e-3, f"ssim differs from skimage's by {diff['ssim']:.2e}"
assert all(rel[k] <= 1e-6 for k in ref[0] if k != 'ssim'), f"metrics differ from numpy's: {rel}"
print(f"speedup vs skimage loop: {speedup:.1f}x (median of rounds {', '.join(f'{r:.2f}' for r in ratios)}; goal >= 5x)")

flags = open('/proc/cpuinfo').read() if platform.system() == 'Linux' else ''
model = next((l.split(':', 1)[1].strip() for l in flags.splitlines() if l.startswith('model name')), None)
machine = dict(processor=platform.processor() or platform.machine(), model=model, avx2=' avx2' in flags, avx512=' avx512f' in flags,
               torch_threads=threads, torch_threads_per_round=threads_used, cpus=os.cpu_count(), loadavg=os.getloadavg()[0])
print(json.dumps(dict(bench='metrics', device=args.device, frames=args.frames, height=480, width=640, batch=args.batch, threads=threads,
                      frames_per_s=round(fps, 2), baseline_frames=nb*args.rounds, baseline_frames_per_s=round(fps_loop, 3),
                      speedup_vs_skimage=round(speedup, 1), goal=5, goal_met=speedup >= 5, rounds=args.rounds,
                      ratios=[round(r, 2) for r in ratios], max_abs_diff={k: float(f'{v:.2e}') for k, v in diff.items()}, machine=machine)))
