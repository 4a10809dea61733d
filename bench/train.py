"""Benchmark the UNet training step: the project's setting (channels_last + the autocast dtype that
`precision='auto'` picks) against a plain fp32 NCHW loop of the same model, batch and size, both in
this process. Last line: one JSON object.

    python bench/train.py [--encoder resnet18] [--batch 8] [--steps 12] [--device cpu]
"""
import argparse, json, time
import torch
from depth_nb.core import resolve_device
from depth_nb.unet import DepthUNet, LOSSES, resolve_precision, UNetConfig

ap = argparse.ArgumentParser()
ap.add_argument('--encoder', default=UNetConfig.encoder); ap.add_argument('--decoder_channels', default=UNetConfig.decoder_channels); ap.add_argument('--batch', type=int, default=UNetConfig.batch_size)
ap.add_argument('--steps', type=int, default=12); ap.add_argument('--device', default='auto')
ap.add_argument('--precision', default='auto', help='auto | fp32 | bf16 | fp16, as UNetConfig.precision')
args = ap.parse_args()
dev = resolve_device(args.device)
h, w = UNetConfig.height, UNetConfig.width
amp = resolve_precision(args.precision, dev)

def rate(channels_last, amp_dtype):
    torch.manual_seed(0)
    m = DepthUNet(args.encoder, None, 10., args.decoder_channels).to(dev)
    if channels_last: m = m.to(memory_format=torch.channels_last)
    opt = torch.optim.AdamW(m.parameters(), 1e-4)
    x = torch.randn(args.batch, 3, h, w, device=dev); y = torch.rand(args.batch, 1, h, w, device=dev)*9 + 0.5
    if channels_last: x = x.contiguous(memory_format=torch.channels_last)
    v = torch.ones_like(y, dtype=torch.bool)
    def step():
        with torch.autocast(dev.type, dtype=amp_dtype, enabled=amp_dtype is not None): p = m(x)
        loss = LOSSES[UNetConfig.loss](p.float(), y, v)
        opt.zero_grad(); loss.backward(); opt.step()
    for _ in range(3): step()
    if dev.type == 'cuda': torch.cuda.synchronize()
    t0 = time.perf_counter()
    for _ in range(args.steps): step()
    if dev.type == 'cuda': torch.cuda.synchronize()
    return args.steps*args.batch / (time.perf_counter() - t0)

base = rate(False, None)
print(f"baseline fp32 NCHW, {args.encoder} UNet {h}x{w} batch {args.batch} on {dev}: {base:.1f} img/s")
ours = rate(True, amp)
name = str(amp).replace('torch.', '') if amp else 'fp32'
print(f"depth_nb (channels_last + {name} autocast): {ours:.1f} img/s, {ours/base:.2f}x")
import platform
from depth_nb.unet import cpu_has_bf16
print(json.dumps(dict(bench='train', decoder_channels=args.decoder_channels, device=str(dev), cpu_bf16=cpu_has_bf16(), cpu_capability=torch.backends.cpu.get_cpu_capability(), encoder=args.encoder, height=h, width=w, batch=args.batch,
                      precision=name, img_per_s=round(ours, 1), baseline_img_per_s=round(base, 1),
                      speedup=round(ours/base, 2), goal=3.0, goal_met=ours/base >= 3)))
