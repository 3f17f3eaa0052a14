"""Probe (issue 19 item 6): does a frozen ImageNet-pretrained MobileNetV2 (pretrained.py) give the trace view's
Deep SVDD better traces than the scratch NPR encoder? Same training pools, same batches, same step budget;
judged on the validation split only (training/data-splits.json), never on test pictures.

Reads ../shared/data through native.split_pictures; writes training/results/pretrained-probe.json (per candidate:
validation AUROC per generated group against all validation real pictures, their sqrt-size-weighted mean, real
seconds). Pictures under 128 px after an edit have no crops
(their score is NaN and ranks highest; alike for every candidate). Run: /usr/bin/python3 training/probe_pretrained.py"""
import argparse
import json
import math
import os
import time

import numpy as np
import torch

import crops
import native
import networks
import splits
import calibration
import common
import objectives
import trace_view

RESULTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'results', 'pretrained-probe.json')


def train_encoder(encoder, real, fake, steps, loss_kind, generator, sizes):
    parameters = [p for p in encoder.parameters() if p.requires_grad]  # the pretrained backbone stays frozen
    centre = objectives.initial_centre(encoder, trace_view.trace_batch(real, 256, generator, crops.CROP))
    optimiser, schedule = objectives.one_cycle(parameters, steps)
    started = time.time()
    for step in range(1, steps + 1):
        encoder.train()
        size = sizes[0] if step <= steps * 0.8 else crops.CROP
        count = 64 if size < crops.CROP else 32
        batch = torch.cat([trace_view.trace_batch(real, count, generator, size), trace_view.trace_batch(fake, count, generator, size)])
        distances = ((encoder(batch) - centre) ** 2).sum(1)
        if loss_kind == 'inverse':
            loss = distances[:count].mean() + (1.0 / (distances[count:] + 1e-6)).mean()
        else:
            loss = objectives.hypersphere_classifier_loss(distances, count, 1.0)
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        schedule.step()
        if step % 100 == 0:
            common.log(f'  step {step}/{steps} loss {float(loss):.4f} ({time.time() - started:.0f}s)')
    encoder.eval()
    return centre, time.time() - started


@torch.no_grad()
def picture_scores(encoder, centre, windows_by_picture, top_k=3):
    out = []
    for windows in windows_by_picture:
        distances = ((encoder(windows) - centre) ** 2).sum(1).numpy()
        out.append(calibration.aggregate_crops(distances, top_k))
    return np.array(out)


def validation_windows(pictures_by_group):
    return {group: [common.to_tensor(crops.crops_of(p)[0]) for p in trace_view.conditioned(pictures)]
            for group, pictures in pictures_by_group.items()}


def judge(encoder, centre, val_real, val_fake):
    real = {g: picture_scores(encoder, centre, w) for g, w in val_real.items()}
    all_real = np.concatenate(list(real.values()))
    per_group = {g: common.auroc(all_real, picture_scores(encoder, centre, w)) for g, w in val_fake.items()}
    weights = [math.sqrt(len(val_fake[g])) for g in per_group]
    return {'meanAuroc': float(np.average(list(per_group.values()), weights=weights)), 'auroc': per_group}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--steps', type=int, default=600)
    parser.add_argument('--candidates', default='scratch-inverse,scratch-hsc,mnv2-b10-hsc,mnv2-b6-hsc')
    args = parser.parse_args()
    common.set_up_cpu()
    rng = np.random.default_rng(common.DEFAULT_SEED)
    table = splits.build(common.DEFAULT_SEED)
    pools = {}
    for label in ('real', 'generated'):
        pictures = native.split_pictures(table, label, 'train')
        versions = trace_view.REAL_VERSIONS if label == 'real' else trace_view.GENERATED_VERSIONS
        pools[label] = trace_view.BalancedPool({g: native.crop_pool(p, trace_view.VERSIONS.get(g, versions), rng) for g, p in pictures.items()})
    val_real = validation_windows(native.split_pictures(table, 'real', 'validation'))
    val_fake = validation_windows(native.split_pictures(table, 'generated', 'validation'))
    common.log(f'pools real {pools["real"].groups} generated {pools["generated"].groups}; validation real '
              f'{ {g: len(w) for g, w in val_real.items()} } generated { {g: len(w) for g, w in val_fake.items()} }')
    results = json.load(open(RESULTS)) if os.path.exists(RESULTS) else {}
    for name in args.candidates.split(','):
        generator = torch.Generator().manual_seed(common.DEFAULT_SEED)
        torch.manual_seed(common.DEFAULT_SEED)
        kind, loss_kind = name.rsplit('-', 1)
        encoder = networks.trace_encoder('scratch-npr' if kind == 'scratch' else kind.replace('mnv2', 'mobilenet-v2'))
        common.log(f'{name}: {args.steps} steps')
        centre, seconds = train_encoder(encoder, pools['real'], pools['generated'], args.steps, loss_kind, generator, (64,) if kind == 'scratch' else (96,))
        row = {**judge(encoder, centre, val_real, val_fake), 'steps': args.steps, 'seconds': round(seconds)}
        results[name] = row
        common.log(f'{name}: mean validation AUROC {row["meanAuroc"]:.4f} ' + ', '.join(f'{g} {v:.3f}' for g, v in row['auroc'].items()))
        common.write_json(RESULTS, results)


if __name__ == '__main__':
    main()
