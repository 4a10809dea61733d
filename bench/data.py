"""Benchmark the training data pipeline: decode (HDF5) + geometric and photometric augmentation at the
training size, through the DataLoader, with the default number of workers and with none. The UNet
trainer consumes about 50 img/s on this CPU (bench/train.py), so this must stay well above that.
Last line: one JSON object.

    python bench/data.py [--data-dir PATH] [--batches 30] [--batch-size 16]
"""
import argparse, json, os, time
import torch
from depth_nb.data import open_dataset, TrainTransform, make_loader, default_workers
from depth_nb.unet import UNetConfig

ap = argparse.ArgumentParser()
ap.add_argument('--data-dir', default=None); ap.add_argument('--batches', type=int, default=30)
ap.add_argument('--batch-size', type=int, default=16)
args = ap.parse_args()
h, w = UNetConfig.height, UNetConfig.width
ds = open_dataset(args.data_dir, 'train', transform=TrainTransform(h, w), verbose=False)

def rate(workers):
    dl = make_loader(ds, args.batch_size, shuffle=True, num_workers=workers, seed=0)
    it = iter(dl); next(it)                                   # start-up (worker spawn) not counted
    t0 = time.perf_counter(); n = 0
    for _ in range(args.batches):
        n += len(next(it)['image'])
    return n / (time.perf_counter() - t0)

torch.set_num_threads(1)      # as in a worker: one thread each
r0 = rate(0)
print(f"0 workers (main process, 1 thread): {r0:.1f} samples/s")
nw = max(1, default_workers('cuda'))   # the GPU default; a 2-core CPU trainer uses none
rw = rate(nw)
print(f"{nw} workers (GPU default): {rw:.1f} samples/s at {h}x{w}, batch {args.batch_size}")
print(json.dumps(dict(bench='data', height=h, width=w, batch_size=args.batch_size, workers=nw,
                      train_samples_per_s=round(rw, 1), samples_per_s_0_workers=round(r0, 1))))
