"""Benchmark `depth_nb predict` on a folder: 200 photos of 480x640, written as JPEG by this script (synthetic
test frames, upscaled), predicted with the default UNet (the main job's architecture; untrained weights
run the same compute). Three figures, alternated over --rounds rounds (medians reported):

- `img_per_s`: `predict_files` end to end (decode, model, colour PNG, 16-bit PNG), decoding ahead of the
  model and writing behind it on --threads threads, with the colour picture of the first --previews
  (side: the default, photo | depth with a scale; depth: the colour depth alone; none: only the 16-bit PNG);
  the others are measured in the same rounds and reported under `by_preview`;
- `sequential_img_per_s`: the same, one image at a time (threads=0; what `predict` did before);
- `model_img_per_s`: the model alone (`Predictor.predict`: resize, forward pass, resize back) on the same
  decoded images, in the same batches, as many at once as `predict_files` runs (`model_streams`: 2 on a CPU);
  `one_stream_model_img_per_s`: the same, one batch at a time with all of torch's threads (before streams);

and `overlap = img_per_s / model_img_per_s` (1.0: decoding and writing entirely hidden). Last line: JSON.

    python bench/predict.py [--images 200] [--batch 8] [--threads 2] [--rounds 3] [--ply] [--previews side,depth,none]
"""
import argparse, json, os, time, statistics, platform, tempfile, shutil
from pathlib import Path
import numpy as np, torch
from PIL import Image
from depth_nb.core import save_json, read_image
from depth_nb.data import open_dataset
from depth_nb.unet import UNetConfig, build_model
from depth_nb.checkpoint import save_checkpoint
from depth_nb.predict import UNetPredictor, predict_files, predict_batches, model_streams

ap = argparse.ArgumentParser()
ap.add_argument('--images', type=int, default=200); ap.add_argument('--batch', type=int, default=8)
ap.add_argument('--threads', type=int, default=2); ap.add_argument('--rounds', type=int, default=3)
ap.add_argument('--ply', action='store_true')
ap.add_argument('--previews', default='side', help="comma-separated colour pictures to measure (side, depth, none); the first is the headline")
args = ap.parse_args()
previews = args.previews.split(',')

tmp = Path(tempfile.mkdtemp(prefix='depth_nb_bench_predict_'))
try:
    ds = open_dataset(split='test', verbose=False)
    photos = []
    for i in range(args.images):
        im = Image.fromarray(ds.source.read(int(ds.indices[i % len(ds)]))['image']).resize((640, 480), Image.BICUBIC)
        im.save(tmp/f'photo{i:04d}.jpg', quality=90); photos.append(tmp/f'photo{i:04d}.jpg')
    cfg = UNetConfig(preprocessing=None)                         # the main job's defaults
    run = tmp/'run'
    save_json(cfg.to_dict(), run/'config.json')
    net, _ = build_model(cfg.encoder, None, cfg.max_depth, cfg.decoder_channels)
    save_checkpoint(run/'checkpoints', 'last', net, dict(epoch=0))
    pred = UNetPredictor.from_run(run, tag='last', device='cpu')
    decoded = [read_image(p) for p in photos]

    streams = model_streams(pred)
    def model_only(streams=streams):
        t0 = time.perf_counter()
        for _, d in predict_batches(pred, ((i, decoded[i:i + args.batch]) for i in range(0, len(decoded), args.batch)), streams):
            if isinstance(d, Exception): raise d
        return len(decoded)/(time.perf_counter() - t0)
    def end_to_end(threads, k, preview=previews[0]):
        out = tmp/f'out-{threads}-{k}'
        r = predict_files(photos, pred, out, ply=args.ply, batch_size=args.batch, progress=False, threads=threads, preview=preview)
        assert len(r['written']) == len(photos), r['failed']
        shutil.rmtree(out)
        return r['img_per_s']
    model_only(); end_to_end(args.threads, -1)                    # warm-up
    rows = dict(model=[], model1=[], threaded=[], sequential=[], **{f'preview={p}': [] for p in previews[1:]})
    for k in range(args.rounds):
        rows['model'].append(model_only()); rows['model1'].append(model_only(1)); rows['threaded'].append(end_to_end(args.threads, k)); rows['sequential'].append(end_to_end(0, k))
        for p in previews[1:]: rows[f'preview={p}'].append(end_to_end(args.threads, k, p))
        print(f"round {k + 1}: model {rows['model'][-1]:.1f} ({streams} streams; 1 stream {rows['model1'][-1]:.1f}), predict_files threads={args.threads} {rows['threaded'][-1]:.1f}, "
              f"threads=0 {rows['sequential'][-1]:.1f}" + ''.join(f", preview={p} {rows[f'preview={p}'][-1]:.1f}" for p in previews[1:]) + " img/s")
    med = {k: statistics.median(v) for k, v in rows.items()}
    overlap = statistics.median([t/m for t, m in zip(rows['threaded'], rows['model'])])
    by_preview = {p: dict(img_per_s=round(med['threaded' if i == 0 else f'preview={p}'], 2),
                          overlap=round(statistics.median([t/m for t, m in zip(rows['threaded' if i == 0 else f'preview={p}'], rows['model'])]), 3))
                  for i, p in enumerate(previews)}
    speedup = statistics.median([t/s for t, s in zip(rows['threaded'], rows['sequential'])])
    print(f"{args.images} photos 480x640, {cfg.encoder} UNet at {cfg.height}x{cfg.width}, batch {args.batch}, {torch.get_num_threads()} torch threads: "
          f"end to end {med['threaded']:.1f} img/s (threads=0: {med['sequential']:.1f}, {speedup:.2f}x); model alone {med['model']:.1f} img/s "
          f"({streams} streams; one batch at a time {med['model1']:.1f}); "
          f"overlap {overlap:.2f} (goal >= 0.8) with preview={previews[0]}")
    for p in previews[1:]: print(f"  preview={p}: end to end {by_preview[p]['img_per_s']:.1f} img/s, overlap {by_preview[p]['overlap']:.2f}")
    print(json.dumps(dict(bench='predict', machine=platform.processor() or platform.machine(), cpus=os.cpu_count(), images=args.images,
                          height=480, width=640, batch=args.batch, threads=args.threads, ply=args.ply, rounds=args.rounds, preview=previews[0],
                          img_per_s=round(med['threaded'], 2), sequential_img_per_s=round(med['sequential'], 2),
                          model_img_per_s=round(med['model'], 2), streams=streams, one_stream_model_img_per_s=round(med['model1'], 2), overlap=round(overlap, 3), speedup_vs_sequential=round(speedup, 2),
                          goal=0.8, goal_met=overlap >= 0.8, by_preview=by_preview)))
finally: shutil.rmtree(tmp, ignore_errors=True)
