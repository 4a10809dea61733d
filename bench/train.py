"""Benchmark the UNet training step against the machine's limit. In this process:

- the FLOPs of one training step, and a large fp32 matmul's GFLOP/s: the step's achieved GFLOP/s as a
  fraction of that peak. The forward pass is counted by `torch.utils.flop_counter`; the backward pass as
  twice the forward (gradients of inputs and of weights each cost one forward), because the counter
  overcounts the backward of depthwise convolutions about 16x (a 3x3 depthwise conv: backward counted
  34x its forward), which mobilenet_v2 is made of. The counter's own fwd+bwd figure is printed too;
- variants of the step, alternated over --rounds rounds (median img/s): plain fp32 NCHW (the baseline),
  the project's default (channels_last + the autocast dtype `precision='auto'` picks), the default under
  `torch.compile` (inductor's CPU code generation; --no-compile skips it), and --alt-encoder, another
  encoder with the same decoder;
- a profile of the default step: the operators that take the time.

Last line: one JSON object.

    python bench/train.py [--encoder mobilenet_v2] [--batch 16] [--steps 10] [--rounds 5] [--device cpu] [--alt-encoder resnet18]
"""
import argparse, json, time, statistics, platform, os
import torch
from torch.utils.flop_counter import FlopCounterMode
from depth_nb.core import resolve_device, resolve_precision, cpu_has_bf16
from depth_nb.losses import LOSSES
from depth_nb.unet import DepthUNet, UNetConfig

ap = argparse.ArgumentParser()
ap.add_argument('--encoder', default=UNetConfig.encoder); ap.add_argument('--decoder_channels', default=UNetConfig.decoder_channels)
ap.add_argument('--batch', type=int, default=UNetConfig.batch_size)
ap.add_argument('--steps', type=int, default=10); ap.add_argument('--rounds', type=int, default=5)
ap.add_argument('--device', default='auto'); ap.add_argument('--precision', default='auto', help='auto | fp32 | bf16 | fp16')
ap.add_argument('--no-compile', action='store_true'); ap.add_argument('--alt-encoder', default='resnet18')
args = ap.parse_args()
dev = resolve_device(args.device)
h, w = UNetConfig.height, UNetConfig.width
amp = resolve_precision(args.precision, dev)
sync = (lambda: torch.cuda.synchronize()) if dev.type == 'cuda' else (lambda: None)

def make(encoder, channels_last, amp_dtype, compiled=False):
    torch.manual_seed(0)
    m = DepthUNet(encoder, None, 10., args.decoder_channels).to(dev)
    if channels_last: m = m.to(memory_format=torch.channels_last)
    opt = torch.optim.AdamW(m.parameters(), 1e-4)
    x = torch.randn(args.batch, 3, h, w, device=dev); y = torch.rand(args.batch, 1, h, w, device=dev)*9 + 0.5
    if channels_last: x = x.contiguous(memory_format=torch.channels_last)
    v = torch.ones_like(y, dtype=torch.bool)
    fwd = torch.compile(m) if compiled else m
    def step():
        with torch.autocast(dev.type, dtype=amp_dtype, enabled=amp_dtype is not None): p = fwd(x)
        loss = LOSSES[UNetConfig.loss](p.float(), y, v)
        opt.zero_grad(set_to_none=True); loss.backward(); opt.step()
    return step

def timed(step, n):
    sync(); t0 = time.perf_counter()
    for _ in range(n): step()
    sync(); return n*args.batch/(time.perf_counter() - t0)

def matmul_gflops(n=2048, reps=6):
    a, b = torch.randn(n, n, device=dev), torch.randn(n, n, device=dev)
    a @ b; sync(); t0 = time.perf_counter()
    for _ in range(reps): a @ b
    sync(); return 2*n**3*reps/(time.perf_counter() - t0)/1e9

name = str(amp).replace('torch.', '') if amp else 'fp32'
variants = {'fp32 NCHW (baseline)': make(args.encoder, False, None), f'default (channels_last + {name})': make(args.encoder, True, amp)}
if not args.no_compile:
    t0 = time.perf_counter()
    variants['default + torch.compile'] = make(args.encoder, True, amp, compiled=True)
    for _ in range(3): variants['default + torch.compile']()
    compile_s = time.perf_counter() - t0
    print(f"torch.compile: first steps took {compile_s:.0f}s (compilation)")
if args.alt_encoder: variants[f'{args.alt_encoder} encoder, default'] = make(args.alt_encoder, True, amp)
for s in variants.values():
    for _ in range(2): s()                                            # warm-up

# FLOPs of one step, counted (not timed): 3x the counted forward pass (see above)
def fwd_flops(encoder):
    m = DepthUNet(encoder, None, 10., args.decoder_channels).to(dev)
    with FlopCounterMode(display=False) as fc, torch.no_grad(): m(torch.randn(args.batch, 3, h, w, device=dev))
    return fc.get_total_flops()
with FlopCounterMode(display=False) as fc: make(args.encoder, True, None)()
counter_step_flops = fc.get_total_flops()
step_flops = 3*fwd_flops(args.encoder)
alt_flops = 3*fwd_flops(args.alt_encoder) if args.alt_encoder else None

rates = {k: [] for k in variants}; peaks = []
for r in range(args.rounds):
    peaks.append(matmul_gflops())
    for k, s in variants.items(): rates[k].append(timed(s, args.steps))
    print(f"round {r + 1}: matmul {peaks[-1]:.0f} GFLOP/s; " + '; '.join(f"{k} {v[-1]:.1f}" for k, v in rates.items()) + " img/s")
med = {k: statistics.median(v) for k, v in rates.items()}
base_key, def_key = list(variants)[:2]
ratio = {k: statistics.median([a/b for a, b in zip(v, rates[base_key])]) for k, v in rates.items()}
peak = statistics.median(peaks)
def gflops(k):
    f = alt_flops if k.endswith('encoder, default') else step_flops
    return med[k]/args.batch*f/1e9
print(f"\n{args.encoder} UNet {h}x{w} batch {args.batch} on {dev} ({torch.get_num_threads()} threads, {torch.backends.cpu.get_cpu_capability()}, "
      f"native bf16: {cpu_has_bf16()}): one step {step_flops/1e9:.2f} GFLOP ({step_flops/args.batch/1e9:.3f} per image; the counter's "
      f"own fwd+bwd count: {counter_step_flops/1e9:.2f}); "
      f"fp32 matmul peak {peak:.0f} GFLOP/s")
print(f"{'variant':40s} {'img/s':>7s} {'vs base':>8s} {'GFLOP/s':>8s} {'of peak':>8s}")
for k in variants: print(f"{k:40s} {med[k]:7.1f} {ratio[k]:7.2f}x {gflops(k):8.1f} {gflops(k)/peak:7.1%}")

# where the time goes: the default step under the profiler
from torch.profiler import profile, ProfilerActivity
s = variants[def_key]
with profile(activities=[ProfilerActivity.CPU]) as prof:
    for _ in range(3): s()
tab = prof.key_averages().table(sort_by='self_cpu_time_total', row_limit=12, max_name_column_width=38)
print('\nprofile of the default step (3 steps, self CPU time):\n' + tab)
top = sorted(prof.key_averages(), key=lambda e: -e.self_cpu_time_total)[:8]
tot = sum(e.self_cpu_time_total for e in prof.key_averages())
print(json.dumps(dict(bench='train', machine=platform.processor() or platform.machine(), cpus=os.cpu_count(), device=str(dev),
                      cpu_capability=torch.backends.cpu.get_cpu_capability(), cpu_bf16=cpu_has_bf16(), encoder=args.encoder,
                      decoder_channels=args.decoder_channels, height=h, width=w, batch=args.batch, precision=name, rounds=args.rounds,
                      step_gflop=round(step_flops/1e9, 3), counter_step_gflop=round(counter_step_flops/1e9, 3), matmul_peak_gflops=round(peak, 1),
                      img_per_s={k: round(v, 1) for k, v in med.items()}, vs_baseline={k: round(v, 3) for k, v in ratio.items()},
                      fraction_of_peak={k: round(gflops(k)/peak, 4) for k in variants},
                      profile_top={e.key: round(e.self_cpu_time_total/tot, 3) for e in top},
                      compile_s=None if args.no_compile else round(compile_s, 1),
                      img_per_s_default=round(med[def_key], 1), baseline_img_per_s=round(med[base_key], 1))))
