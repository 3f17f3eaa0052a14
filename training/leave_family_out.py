"""Leave-family-out (issue 19's report): how the trace view's Deep SVDD does on generator families it never saw.

For each fold, whole generator families (diffusion, GAN, autoregressive, commercial) leave training; the trace
encoder (networks.TRACE_ENCODER, trained as objectives.train_trace trains it, fewer steps) learns on the rest; then the
fold's families are scored, every picture of theirs in ../shared/data (none was trained on in that fold), against the
real pictures of the test split (training/data-splits.json). The threshold is the 99th percentile of the validation
real pictures' scores (a 1% false-alarm operating point chosen on validation, like the default preset). Scores are the
trace view alone, per picture the top-3 geometric mean of its crops, on pictures as stored (no edits).

Reads ../shared/data through native.split_pictures; writes training/results/leave-family-out.json.
Run: /usr/bin/python3 training/leave_family_out.py [--steps N]"""
import argparse
import json
import os
import time

import numpy as np
import torch

import calibration
import crops
import native
import networks
import objectives
import splits
import trace_view
from common import DEFAULT_SEED, auroc, log, to_tensor

RESULTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'results', 'leave-family-out.json')
FOLDS = {
    'gan': ('stylegan', 'biggan'),
    'autoregressive': ('vqgan', 'dalle-mini'),
    'commercial': ('gpt-image', 'dall-e', 'midjourney'),
    'latent-diffusion-unet': ('sd1', 'sd2', 'sdxl', 'sd15-grids', 'latent-diffusion'),
    'other-diffusion': ('pixart', 'dit', 'flux', 'stable-cascade', 'kolors', 'clip-guided-diffusion', 'deepfloyd-if',
                        'kandinsky', 'unclip'),
}
TOP_K = 3


def pictures_of(table, label, split=None, families=None):
    """{group: [uint8 HWC]} of one label, restricted to a split and / or generator families."""
    out = {}
    for name in ('train', 'validation', 'test') if split is None else (split,):
        for group, pictures in native.split_pictures(table, label, name).items():
            if families is None or group in families:
                out.setdefault(group, []).extend(pictures)
    return out


def train_fold(real_pool, fake_pool, steps, generator):
    encoder = networks.trace_encoder()
    real, fake = trace_view.BalancedPool(real_pool), trace_view.BalancedPool(fake_pool)
    centre = objectives.initial_centre(encoder, trace_view.trace_batch(real, 256, generator, crops.CROP))
    optimiser, schedule = objectives.one_cycle([p for p in encoder.parameters() if p.requires_grad], steps)
    for step in range(1, steps + 1):
        encoder.train()
        size = 96 if step <= steps * 0.8 else crops.CROP
        count = 64 if size < crops.CROP else 24
        batch = torch.cat([trace_view.trace_batch(real, count, generator, size), trace_view.trace_batch(fake, count, generator, size)])
        loss = objectives.hypersphere_classifier_loss(((encoder(batch) - centre) ** 2).sum(1), count, 1.0)
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        schedule.step()
    encoder.eval()
    return encoder, centre


@torch.no_grad()
def scores_of(encoder, centre, pictures):
    out = []
    for picture in pictures:
        windows = crops.crops_of(picture)[0]
        if len(windows):
            distances = ((encoder(to_tensor(windows)) - centre) ** 2).sum(1).numpy()
            out.append(calibration.aggregate_crops(distances, TOP_K))
    return np.array(out)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--steps', type=int, default=200)
    args = parser.parse_args()
    torch.set_num_threads(2)
    rng = np.random.default_rng(DEFAULT_SEED)
    table = splits.build(DEFAULT_SEED)
    train_real = pictures_of(table, 'real', 'train')
    real_pools = {g: native.crop_pool(p, trace_view.REAL_VERSIONS, rng) for g, p in train_real.items()}
    train_fake = pictures_of(table, 'generated', 'train')
    fake_pools = {g: native.crop_pool(p, trace_view.VERSIONS.get(g, trace_view.GENERATED_VERSIONS), rng) for g, p in train_fake.items()}
    val_real = [p for ps in pictures_of(table, 'real', 'validation').values() for p in ps]
    test_real = [p for ps in pictures_of(table, 'real', 'test').values() for p in ps]
    results = {'method': __doc__.split('\n\n')[1].replace('\n', ' '), 'steps': args.steps, 'topK': TOP_K,
               'testRealPictures': len(test_real), 'folds': {}}
    for fold, families in FOLDS.items():
        started = time.time()
        generator = torch.Generator().manual_seed(DEFAULT_SEED)
        kept = {g: pool for g, pool in fake_pools.items() if g not in families}
        encoder, centre = train_fold(real_pools, kept, args.steps, generator)
        threshold = float(np.quantile(scores_of(encoder, centre, val_real), 0.99))
        real_scores = scores_of(encoder, centre, test_real)
        held_out = pictures_of(table, 'generated', None, families)
        per_family = {}
        for family, pictures in held_out.items():
            fake_scores = scores_of(encoder, centre, pictures)
            if not len(fake_scores):
                continue
            per_family[family] = {'pictures': len(fake_scores), 'auroc': round(auroc(real_scores, fake_scores), 4),
                                  'caught': round(float((fake_scores >= threshold).mean()), 4), 'scores': fake_scores}
        pooled = np.concatenate([f.pop('scores') for f in per_family.values()])
        results['folds'][fold] = {'heldOut': list(families), 'auroc': round(auroc(real_scores, pooled), 4),
                                  'caught': round(float((pooled >= threshold).mean()), 4),
                                  'realFlagged': round(float((real_scores >= threshold).mean()), 4),
                                  'pictures': len(pooled), 'families': per_family, 'seconds': round(time.time() - started)}
        log(f'fold {fold}: AUROC {results["folds"][fold]["auroc"]}, caught {results["folds"][fold]["caught"]}, '
            f'real flagged {results["folds"][fold]["realFlagged"]} ({time.time() - started:.0f}s)')
    folds = results['folds'].values()
    results['meanAuroc'] = round(float(np.mean([f['auroc'] for f in folds])), 4)
    results['meanCaught'] = round(float(np.mean([f['caught'] for f in folds])), 4)
    with open(RESULTS, 'w') as f:
        json.dump(results, f, indent=2)
        f.write('\n')


if __name__ == '__main__':
    main()
