"""Training variety against the style shift: train the main job's recipe on training rooms dressed another way, then
score the model on its own test split, on the default test split and on the style-shift split (`STYLE_SHIFT`).
The figures of "What the style-shift rooms say" on nbs/performance.ipynb come from it.

    python bench/variety.py VARIANTS [--epochs 20] [--encoder mobilenet_v2] [--results-dir results/variety]

VARIANTS is 'none' (today's frames), 'oracle', or variants joined by '+':
- wallhsv: a random wall colour (HSV) in half the rooms;
- allhsv:  random colours for the walls, the floor and every piece of furniture, in half the rooms;
- lights:  1-3 warm-to-neutral lights (2700-5000 K), on the ceiling or a wall lamp, in half the rooms;
- tall:    0-3 free-standing tall things per room (pendant lamps, open shelf units, coat stands), wood or plain colours.
Only the *training* rooms change (`_frame_room` for style 'train' is wrapped); the style-shift frames stay the same.
A variant's frames are built under their own renderer tag (`<version>p-<variants>` in the dataset cache), never
mixed with the default's.

'oracle' trains on 3000 frames of seed-0 rooms dressed in the style-shift families themselves (nothing about that split
held out, the rooms still new): how far the recipe gets on the style-shift split when it is not a shift at all, the
ceiling a model trained on the training families could approach.

Each run costs a main job's time (13-15 min at 20 epochs on 2 cores): run one at a time. --max-train-samples and
--max-eval-samples make a quick check of the script itself. Last line: one JSON object.
"""
import argparse, colorsys, datetime, json, math, time
import numpy as np
import depth_nb.synthetic as S
from depth_nb.unet import UNetConfig
from depth_nb.train import train
from depth_nb.data import open_dataset, open_style_shift
from depth_nb.evaluation import load_predictor
from depth_nb.predict import evaluate

VARIANTS = ('wallhsv', 'allhsv', 'lights', 'tall')
ap = argparse.ArgumentParser()
ap.add_argument('variants', help="'none', 'oracle', or '+'-joined from " + ', '.join(VARIANTS))
ap.add_argument('--epochs', type=int, default=20); ap.add_argument('--encoder', default=UNetConfig.encoder)
ap.add_argument('--decoder-channels', default=UNetConfig.decoder_channels)
ap.add_argument('--results-dir', default='results/variety')
ap.add_argument('--max-train-samples', type=int, default=None); ap.add_argument('--max-eval-samples', type=int, default=None)
args = ap.parse_args()
oracle = args.variants == 'oracle'
variants = [] if args.variants in ('none', 'oracle') else args.variants.split('+')
if unknown := set(variants) - set(VARIANTS): ap.error(f"unknown variant(s) {sorted(unknown)}; choose from {', '.join(VARIANTS)}")

def hsv(rng, s=(.05, .6), v=(.35, .95)):
    return np.array(colorsys.hsv_to_rgb(rng.uniform(0, 1), rng.uniform(*s), rng.uniform(*v)))

def wall_colour(room, rng):
    if rng.random() < .5: room['wall_colour'] = hsv(rng)

def all_colours(room, rng):
    if rng.random() >= .5: return
    room['wall_colour'] = hsv(rng)
    room['floor_colour'] = hsv(rng, (.05, .7), (.2, .9))
    bx, sp = room['boxes'].copy(), room['spheres'].copy()
    for i in range(len(bx)):
        if int(bx[i, 7]) != S.GLASS: bx[i, 8:11] = hsv(rng, (.05, .8), (.15, .95))
    for i in range(len(sp)): sp[i, 5:8] = hsv(rng, (.05, .8), (.15, .95))
    room['boxes'], room['spheres'] = bx, sp

def warm_lights(room, rng):
    if rng.random() >= .5: return
    W, H, D = room['size']; lights = []
    for _ in range(rng.integers(1, 4)):
        if rng.random() < .6: pos, power = (rng.uniform(.15, .85)*W, H - .05, rng.uniform(.15, .85)*D), rng.uniform(1.5, 4)
        else:
            wall, s, y = rng.integers(4), rng.uniform(.1, .9), rng.uniform(1., 2.2)
            pos, power = [(s*W, y, .2), (W - .2, y, s*D), (s*W, y, D - .2), (.2, y, s*D)][wall], rng.uniform(1, 3)
        lights.append((np.array(pos), power, S.kelvin_rgb(rng.uniform(2700, 5000))))
    room.update(lights=lights, ambient_rgb=S.kelvin_rgb(rng.uniform(3000, 6000)))

def tall_things(room, rng):
    H = room['size'][1]
    b, placed = S._Builder(), [tuple(p) for p in room['placed']]
    wood = lambda: S._colour(rng, S._WOOD_COLOURS[rng.integers(len(S._WOOD_COLOURS))])
    for _ in range(rng.integers(0, 4)):
        kind = rng.integers(3); rad = (.2, .45, .25)[kind]
        spot = S._free_spot(rng, room['size'], placed, rad)
        if spot is None: continue
        x, z = spot
        if kind == 0:    # pendant lamp: a cord from the ceiling, a shade at 1.5-2.1 m
            y = rng.uniform(1.5, 2.1); b.box(x, y, z, .008, (H - y)/2, .008, 0., S.PLASTIC, (.15, .15, .15))
            b.sphere(x, y - .1, z, rng.uniform(.12, .22), S.PLASTIC, hsv(rng, (0, .5), (.5, .95)))
        elif kind == 1:  # open shelf unit: two sides and 4-5 boards, 1.4-2 m high
            h, w, d, yaw, col = rng.uniform(1.4, 2.), rng.uniform(.6, .9), .3, rng.uniform(-math.pi, math.pi), wood()
            for sx in (-1, 1):
                px, pz = b.offset(x, z, yaw, sx*w/2, 0); b.box(px, 0., pz, .015, h/2, d/2, yaw, S.WOOD, col)
            for k in range(int(rng.integers(4, 6))): b.box(x, k*h/4.5, z, w/2, .012, d/2, yaw, S.WOOD, col)
        else:            # coat stand: a pole and a ball on top
            h = rng.uniform(1.6, 1.9); b.box(x, 0., z, .02, h/2, .02, 0., S.WOOD, wood())
            b.sphere(x, h, z, .06, S.WOOD, wood())
        placed.append((x, z, rad))
    if b.boxes: room['boxes'] = np.concatenate([room['boxes'], np.array(b.boxes, float).reshape(-1, 11)])
    if b.spheres: room['spheres'] = np.concatenate([room['spheres'], np.array(b.spheres, float).reshape(-1, 8)])
    room['placed'] = np.array(placed, float).reshape(-1, 3)

# each variant draws from its own stream of the room's seed, so combining variants does not change what each one draws
DRESS = dict(wallhsv=(wall_colour, 6), allhsv=(all_colours, 6), lights=(warm_lights, 8), tall=(tall_things, 7))
frame_room, version = S._frame_room, S.RENDERER_VERSION

def dressed(seed, room_id, style, parts=S.SHIFT_PARTS):
    room = frame_room(seed, room_id, style, parts)
    if style == 'train':
        for v in variants:
            fn, stream = DRESS[v]; fn(room, np.random.default_rng([seed, room_id, stream]))
    return room

tag = 'oracle' if oracle else '+'.join(variants) or 'none'
if variants: S._frame_room, S.RENDERER_VERSION = dressed, f"{version}p-{'-'.join(variants)}"
t0 = time.time()
root = S.default_dataset(n_frames=S.DEFAULT_SYNTHETIC['n_frames'], seed=0, style='shift') if oracle else S.default_dataset()
build_s = time.time() - t0
stamp = f"{datetime.datetime.now():%Y%m%d-%H%M%S}"
cfg = UNetConfig(epochs=args.epochs, encoder=args.encoder, decoder_channels=args.decoder_channels, data_dir=str(root) if oracle else None,
                 max_train_samples=args.max_train_samples, max_eval_samples=args.max_eval_samples,
                 results_dir=args.results_dir, run_name=f"{stamp}-variety-{tag}-{args.epochs}ep")
print(f"{tag}: {args.epochs} epochs, {args.encoder} ({args.decoder_channels}); frames in {S.shown(root)}", flush=True)
run = train(cfg, verbose=False)
train_min = (time.time() - t0 - build_s)/60
S._frame_room, S.RENDERER_VERSION = frame_room, version
# the training run scored its own test split, and on the synthetic default the style-shift split too (the same frames:
# only training rooms are dressed); what it did not score is scored here, the same way
m = json.loads((run/'metrics.json').read_text())
own, shift, v2 = m['test'], m.get('style_shift', {}).get('test'), m['test'] if args.variants == 'none' else None
if shift is None or v2 is None:
    p, n = load_predictor(run, device='cpu'), args.max_eval_samples
    if shift is None: shift = evaluate(p, open_style_shift(verbose=False), n_images=n, batch_size=8)
    if v2 is None: v2 = evaluate(p, open_dataset(S.default_dataset(verbose=False)/S.LABELED_NAME, 'test', verbose=False), n_images=n, batch_size=8)
keys = ('d1', 'abs_rel', 'abs_rel_med', 'dbe_acc')
pick = lambda d: {k: round(float(d[k]), 3) for k in keys}
rows = dict(own_test=pick(own), v2_test=pick(v2), style_shift=pick(shift))
for k, r in rows.items(): print(f"{k:>12}: " + ', '.join(f"{name} {v}" for name, v in r.items()))
print(f"build {build_s:.0f} s, training {train_min:.1f} min (the final test included); run {run}")
print(json.dumps(dict(bench='variety', variant=tag, epochs=args.epochs, encoder=args.encoder, decoder_channels=args.decoder_channels,
                      run=str(run), build_s=round(build_s), train_min=round(train_min, 1), **rows)))
