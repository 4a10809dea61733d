"""CPU latency of the real DPT-DINOv2-small architecture (facebook/dpt-dinov2-small-nyu; random weights,
the same compute) at its processor's own input size for a 480x640 NYU frame (no resize, centre-padded
to 490x644), batch 1, through depth_nb.predict.TransformersPredictor.predict (processor + model + back to the
frame). fp32 eager is the baseline; the loader's CPU options (channels_last, torch.compile, bf16 where
the CPU has native bf16) are timed in this same process and the fastest is reported against it.
Last line: one JSON object.

    python bench/pretrained.py [--runs 3] [--no-compile] [--device cpu]
"""
import argparse, json, tempfile, time, warnings
from pathlib import Path
import numpy as np
import torch
from transformers import DPTForDepthEstimation
from depth_nb.pretrained import dpt_dinov2_small, load_depth_model
from depth_nb.core import cpu_has_bf16

warnings.filterwarnings('ignore')
ap = argparse.ArgumentParser()
ap.add_argument('--runs', type=int, default=3); ap.add_argument('--no-compile', action='store_true')
ap.add_argument('--device', default='cpu')
args = ap.parse_args()

tmp = Path(tempfile.mkdtemp())
cfg, proc = dpt_dinov2_small()
torch.manual_seed(0)
DPTForDepthEstimation(cfg).save_pretrained(tmp/'dpt-dinov2-small-random'); proc.save_pretrained(tmp/'dpt-dinov2-small-random')
img = np.random.default_rng(0).integers(0, 256, (480, 640, 3), dtype=np.uint8)
pv = proc(images=[img], return_tensors='pt')['pixel_values']
print(f"DPT-DINOv2-small, {sum(p.numel() for p in DPTForDepthEstimation(cfg).parameters())/1e6:.1f} M params; "
      f"480x640 frame -> model input {tuple(pv.shape[-2:])}; {torch.get_num_threads()} threads, "
      f"CPU capability {torch.backends.cpu.get_cpu_capability()}")

def latency(**kw):
    dm = load_depth_model(tmp/'dpt-dinov2-small-random', device=args.device, verbose=False, **kw)
    t = time.perf_counter(); ref = dm.predict(img); first = time.perf_counter() - t
    ts = []
    for _ in range(args.runs):
        t = time.perf_counter(); d = dm.predict(img); ts.append(time.perf_counter() - t)
    return 1000*min(ts), 1000*first, d

settings = {'fp32': dict(dtype='fp32')}
settings['fp32+channels_last'] = dict(dtype='fp32', channels_last=True)
if not args.no_compile: settings['fp32+channels_last+compile'] = dict(dtype='fp32', channels_last=True, compiled=True)
skipped = {}
if cpu_has_bf16(): settings['bf16+channels_last'] = dict(dtype='bf16', channels_last=True)
else: skipped['bf16'] = 'no native bf16 on this CPU (emulated bf16 measured 15x slower in bench/train.py)'
res, base_depth = {}, None
for name, kw in settings.items():
    ms, first, d = latency(**kw)
    if base_depth is None: base_depth = d
    diff = float((d - base_depth).abs().max() / base_depth.abs().max().clamp_min(1e-12))
    res[name] = dict(ms=round(ms, 1), first_call_ms=round(first, 1), max_rel_diff_vs_fp32=round(diff, 6))
    print(f"{name:28s} {ms:8.1f} ms/image (first call {first:8.1f} ms)  max |diff| / max |fp32| = {diff:.1e}")
for k, why in skipped.items(): print(f"{k:28s} skipped: {why}")
best = min(res, key=lambda k: res[k]['ms'])
ratio = res['fp32']['ms'] / res[best]['ms']
print(f"fastest CPU setting: {best}, {res[best]['ms']:.1f} ms vs fp32 {res['fp32']['ms']:.1f} ms = {ratio:.2f}x")
print(json.dumps(dict(bench='pretrained', model='dpt-dinov2-small (random weights)', input_hw=list(pv.shape[-2:]),
                      device=args.device, threads=torch.get_num_threads(), cpu_capability=torch.backends.cpu.get_cpu_capability(),
                      fp32_ms=res['fp32']['ms'], fastest=best, fastest_ms=res[best]['ms'], speedup=round(ratio, 2),
                      settings=res, skipped=skipped)))
