"""Probe (issue 19): a trace autoencoder that reconstructs the frozen ImageNet features instead of the pixels.

The shipped trace autoencoder (networks.TraceAutoencoder) is a scratch CNN on the neighbour-pixel residual; judged
alone it separates worse than Deep SVDD's head on frozen MobileNetV2 features (docs/models.md, "In the wild"), and
the ensemble averages the two. This probe asks, on the validation split only (training/data-splits.json), whether an
autoencoder on the same frozen block-10 features (feature_bank.Extractor, banked as training banks them) would do
better alone and beside the head, before anything is built into the exported graphs:

- head: Deep SVDD's trace head fitted on the bank (objectives.train_head, the shipped width and steps), and the
  shipped head itself (training/finishing_run.pt, the thirteenth round's checkpoint, whose networks ship);
- pixel AE: the shipped models' trace autoencoder (the same checkpoint);
- feature AE: a convolutional autoencoder (networks.FeatureAutoencoder, 1x1 or 3x3 kernels) of block 10's
  standardised map, through a narrow bottleneck, trained with the pixel AE's objective
  (objectives.train_feature_autoencoder: log error down for real rows, up for generated ones, capped) on the
  bank's rows; a few variants (--variants), all reported. Training now builds the 3x3, 16-channel one
  (networks.FeatureTraceAutoencoder).

Every validation picture is scored in two populations: as stored and under trace_view.conditioned's re-encodings,
and under trace_view.edited's everyday edits (what the declared comparison averages over); a picture's score is
its crops' aggregate as the shipped manifest aggregates them (calibration.aggregate_crops, input.crops.topK). Each
scorer is judged alone by the view rule's criterion (family-weighted AUROC, families weighing the square root of
their size), and pairs are averaged after mapping each score to its rank among the validation real pictures' scores
(what per-view calibration does, up to the curve's shape).

Reads ../shared/data and training/finishing_run.pt; writes training/results/feature-ae-probe.json.
Run: /usr/bin/python3 training/probe_feature_ae.py [--steps 800] [--variants BOTTLENECK:KERNEL:STEPS,...] [--limit N]"""
import argparse
import json
import math
import os
import time

import numpy as np
import torch

import calibration
import crops
import feature_bank
import native
import networks
import objectives
import splits
import trace_view
from common import DEFAULT_SEED, auroc, log, rank_among, set_up_cpu, write_json

HERE = os.path.dirname(os.path.abspath(__file__))
RESULTS = os.path.join(HERE, 'results', 'feature-ae-probe.json')
CHECKPOINT = os.path.join(HERE, 'finishing_run.pt')
MANIFEST = os.path.join(HERE, '..', 'public', 'models', 'manifest.json')
CACHE = '/tmp/feature-ae-probe.pt'
PROTOCOL = ('validation split only; two populations: the pictures as stored and under trace_view.conditioned, and the '
            'pictures under trace_view.edited (the everyday edits); per picture the aggregate of '
            'its crops (calibration.aggregate_crops, the manifest topK); familyWeightedAuroc: per-family AUROC against '
            'all validation real pictures, families weighing the square root of their size; pairs: the mean of each '
            "scorer's rank among the validation real pictures' scores")


# The validation pictures each population holds, made from a group's pictures.
POPULATIONS = {
    'as stored and re-encoded': lambda pictures: pictures + trace_view.conditioned(pictures),
    'everyday edits': lambda pictures: trace_view.edited(pictures),
}


@torch.no_grad()
def validation_crops(extractor, pixel_ae, table, versions, limit=None):
    """{label: {group: [per picture: (block-10 maps of its crops, pixel AE relative errors of its crops)]}} over
    `versions` of the validation pictures (a POPULATIONS entry)."""
    out = {}
    for label in ('real', 'generated'):
        out[label] = {}
        for group, pictures in native.split_pictures(table, label, 'validation').items():
            pictures, rows = pictures[:limit], []
            for picture in versions(pictures):
                windows = crops.crops_of(picture)[0]
                if not len(windows):
                    continue
                batch = torch.from_numpy(np.ascontiguousarray(windows)).permute(0, 3, 1, 2)
                maps = extractor.features(batch)[0]
                rows.append((maps, pixel_ae.crop_error(batch.float() / 255.0).numpy()))
            out[label][group] = rows
    return out


def build(args, weights, banks=None, vals=None):
    """The training banks (unless given) and each population's validation crops missing from `vals`; `weights`:
    the shipped checkpoint's, whose trace autoencoder scores the crops."""
    table, extractor, started = splits.build(DEFAULT_SEED), feature_bank.shipped_extractor(), time.time()
    banks = banks or feature_bank.training_banks(extractor, table, limit=args.limit)
    pixel_ae = networks.TraceAutoencoder()
    pixel_ae.load_state_dict(weights['traceAutoencoder'])
    pixel_ae.eval()
    vals = {name: val for name, val in (vals or {}).items() if name in POPULATIONS}
    for name, versions in POPULATIONS.items():
        if name not in vals:
            vals[name] = validation_crops(extractor, pixel_ae, table, versions, args.limit)
            log(f'validation crops, {name} ({time.time() - started:.0f}s)')
    return banks, vals


def criterion(scores):
    """Family-weighted AUROC of {label: {group: [score]}} (the view rule's), and per family."""
    real = np.concatenate(list(scores['real'].values()))
    per_group = {g: auroc(real, s) for g, s in scores['generated'].items() if len(s)}
    weights = [math.sqrt(len(scores['generated'][g])) for g in per_group]
    return {'familyWeightedAuroc': round(float(np.average(list(per_group.values()), weights=weights)), 4),
            'auroc': {g: round(v, 4) for g, v in per_group.items()}}


def ranked(scores):
    """Each score mapped to the share of validation real pictures' scores below it."""
    real = np.concatenate(list(scores['real'].values()))
    return {label: {g: rank_among(real, s) for g, s in groups.items()} for label, groups in scores.items()}


def mean_of(*scorers):
    return {label: {g: np.mean([s[label][g] for s in scorers], 0) for g in scorers[0][label]} for label in scorers[0]}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--steps', type=int, default=feature_bank.HEAD_STEPS, help="the head's steps")
    parser.add_argument('--variants', default='16:1:800,8:1:800,32:1:800,16:1:2000,16:3:800,16:3:2000,32:3:2000',
                        help='feature autoencoders to train, each bottleneck:kernel:steps, each from the same seed')
    parser.add_argument('--limit', type=int, default=None, help='the first N pictures of each group (a smoke run; no cache, nothing written)')
    args = parser.parse_args()
    set_up_cpu()
    started = time.time()
    weights = torch.load(CHECKPOINT, weights_only=False)['weights']
    cached = torch.load(CACHE, weights_only=False) if args.limit is None and os.path.exists(CACHE) else (None, None)
    banks, vals = build(args, weights, *cached)
    if args.limit is None and set(cached[1] or {}) != set(vals):
        torch.save((banks, vals), CACHE)
    top_k = json.load(open(MANIFEST))['input']['crops']['topK']
    aggregate = lambda rows, crop_score: {label: {g: np.array([calibration.aggregate_crops(crop_score(r), top_k) for r in pictures])
                                                  for g, pictures in groups.items()} for label, groups in rows.items()}
    torch.manual_seed(DEFAULT_SEED)
    generator = torch.Generator().manual_seed(DEFAULT_SEED)
    extractor = feature_bank.shipped_extractor()
    head = feature_bank.shipped_head(extractor)
    centre = objectives.train_head(head, banks['real'], banks['generated'], args.steps, generator)
    shipped = networks.trace_encoder()
    shipped.load_state_dict(weights['traceEncoder'])
    shipped.eval()
    no_taps = lambda maps: maps.flatten(1)[:, :0]  # the shipped head reads block 10's map alone (feature_bank.USE_TAPS)
    distance = lambda h, c: (lambda r: ((h(r[0].float(), no_taps(r[0]).float()) - c) ** 2).sum(1).numpy())
    baselines, ranks = {}, {}
    for population, val in vals.items():
        with torch.no_grad():
            scores = {
                'head (shipped)': aggregate(val, distance(shipped.head, weights['traceCentre'])),
                'head': aggregate(val, distance(head, centre)),
                'pixel AE (shipped)': aggregate(val, lambda r: r[1]),
            }
        ranks[population] = {name: ranked(s) for name, s in scores.items()}
        rank = ranks[population]
        rows = baselines[population] = {name: criterion(s) for name, s in scores.items()}
        rows['shipped head + pixel AE (the shipped pair)'] = criterion(mean_of(rank['head (shipped)'], rank['pixel AE (shipped)']))
        rows['head + pixel AE'] = criterion(mean_of(rank['head'], rank['pixel AE (shipped)']))
        log(f'{population}: ' + ', '.join(f'{name} {row["familyWeightedAuroc"]:.4f}' for name, row in rows.items()))
    variants = {}
    for variant in args.variants.split(','):
        bottleneck, kernel, steps = (int(v) for v in variant.split(':'))
        torch.manual_seed(DEFAULT_SEED)
        feature_ae = objectives.train_feature_autoencoder(banks['real'], banks['generated'], steps, torch.Generator().manual_seed(DEFAULT_SEED),
                                                           bottleneck=bottleneck, kernel=kernel)
        row = variants[f'bottleneck {bottleneck}, kernel {kernel}, {steps} steps'] = {'bottleneck': bottleneck, 'kernel': kernel, 'steps': steps}
        for population, val in vals.items():
            with torch.no_grad():
                alone = aggregate(val, lambda r: feature_ae.error(r[0].float()).numpy())
            own, rank = ranked(alone), ranks[population]
            row[population] = {
                'feature AE': criterion(alone),
                'head + feature AE': criterion(mean_of(rank['head'], own)),
                'shipped head + feature AE': criterion(mean_of(rank['head (shipped)'], own)),
                'head + pixel AE + feature AE': criterion(mean_of(rank['head'], rank['pixel AE (shipped)'], own))}
            log(f'{variant}, {population}: ' + ', '.join(f'{name} {r["familyWeightedAuroc"]:.4f}' for name, r in row[population].items()))
    result = {'protocol': PROTOCOL, 'headSteps': args.steps, 'topK': top_k,
              'pictures': {population: {label: {g: len(p) for g, p in groups.items()} for label, groups in val.items()} for population, val in vals.items()},
              'baselines': baselines, 'featureAutoencoders': variants, 'seconds': round(time.time() - started)}
    if args.limit is not None:
        return
    write_json(RESULTS, result)
    log(f'wrote {os.path.relpath(RESULTS)}')


if __name__ == '__main__':
    main()
