"""Probe (issue 19): the pretrained trace encoder's backbone is frozen, so its features can be computed once per
training window and the trainable head fitted on them for many more steps than the online loop affords (the
backbone is ~90% of a step). Compares heads on the validation split only (training/data-splits.json), as
probe_pretrained.py does (same pools, same validation pictures and conditions, same top-3 aggregation).

Reads ../shared/data through native.split_pictures; writes training/results/feature-probe.json.
Run: /usr/bin/python3 training/probe_features.py [--views 2] [--steps 2000] [--heads map,map+low]"""
import argparse
import json
import math
import os
import time

import numpy as np
import torch

import feature_bank
import native
import objectives
import splits
import trace_view
from common import DEFAULT_SEED, auroc, log, set_up_cpu, write_json

RESULTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'results', 'feature-probe.json')
CACHE = '/tmp/feature-bank.pt'
TOP_K = 3  # as probe_pretrained.py aggregates crops


def validation_features(extractor, pictures_by_group):
    """{group: [per picture (maps, low)]} of every crop the browser would pick in each conditioned picture."""
    return {group: feature_bank.picture_features(extractor, trace_view.conditioned(pictures)) for group, pictures in pictures_by_group.items()}


def build(args):
    table, extractor, started = splits.build(DEFAULT_SEED), feature_bank.Extractor(), time.time()
    banks = feature_bank.training_banks(extractor, table, args.views, args.window)
    val = {label: validation_features(extractor, native.split_pictures(table, label, 'validation')) for label in ('real', 'generated')}
    log(f'validation features ({time.time() - started:.0f}s)')
    return banks, val


def judge(head, centre, val):
    score = lambda rows: feature_bank.picture_scores(head, centre, rows, TOP_K)
    all_real = np.concatenate([score(rows) for rows in val['real'].values()])
    per_group = {g: auroc(all_real, score(rows)) for g, rows in val['generated'].items() if rows}
    weights = [math.sqrt(len(val['generated'][g])) for g in per_group]
    return {'meanAuroc': float(np.average(list(per_group.values()), weights=weights)), 'auroc': per_group}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--views', type=int, default=2)
    parser.add_argument('--window', type=int, default=112)
    parser.add_argument('--steps', type=int, default=2000)
    parser.add_argument('--heads', default='map,map+low')
    args = parser.parse_args()
    set_up_cpu()
    if os.path.exists(CACHE):
        banks, val = torch.load(CACHE, weights_only=False)
    else:
        banks, val = build(args)
        torch.save((banks, val), CACHE)
    results = json.load(open(RESULTS)) if os.path.exists(RESULTS) else {}
    for name in args.heads.split(','):
        torch.manual_seed(DEFAULT_SEED)
        generator = torch.Generator().manual_seed(DEFAULT_SEED)
        head = feature_bank.Head(use_map='map' in name, use_low='low' in name)
        started = time.time()
        centre = objectives.train_head(head, banks['real'], banks['generated'], args.steps, generator)
        row = {**judge(head, centre, val), 'steps': args.steps, 'views': args.views, 'seconds': round(time.time() - started)}
        results[f'{name}-{args.steps}'] = row
        log(f'{name}: mean validation AUROC {row["meanAuroc"]:.4f} ' + ', '.join(f'{g} {v:.3f}' for g, v in row['auroc'].items()))
        write_json(RESULTS, results)


if __name__ == '__main__':
    main()
