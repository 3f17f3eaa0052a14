"""Probe (issue 19): which trace head transfers to generator families it never saw, chosen without the test split.

leave_family_out.py reports the shipped head's transfer against the test split's real photos; a head chosen by that
table would be chosen on test data. This probe asks the same question without a test picture: for
each of leave_family_out.FOLDS, the fold's families leave the training bank (feature_bank.FeatureBank.without), the
head is fitted on the rest, and the fold's families' train- and validation-split pictures (never their test ones),
as stored, are scored against the validation real photos under the robustness conditions (the cached validation
features of probe_features.py), each picture by the top-3 geometric mean of the crops the browser picks. Beside
the folds, each head is also fitted on the whole bank and judged on the validation split as probe_features.py
judges (in-distribution). The cached bank must exist (probe_features.py writes it).

Writes training/results/transfer-probe.json.
Run: /usr/bin/python3 training/probe_transfer.py [--variants width-128,width-32+eta-2,...] (names: `variant`)"""
import argparse
import json
import os
import time

import numpy as np
import torch
import torch.nn as nn

import feature_bank
import leave_family_out
import native
import objectives
import probe_features
import splits
from common import DEFAULT_SEED, auroc, log, set_up_cpu, write_json

RESULTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'results', 'transfer-probe.json')
HELD_OUT_CACHE = '/tmp/transfer-held-out.pt'


class VariantHead(feature_bank.Head):
    """feature_bank.Head on block 10's map with the probe's knobs: width, channel dropout on the map while fitting,
    mean-only pooling."""

    def __init__(self, width=128, dropout=0.0, pool='mean+max'):
        super().__init__(width=width, use_low=False)
        self.dropout, self.pool = nn.Dropout2d(dropout), pool
        if pool == 'mean':
            self.embed = nn.Linear(width, self.embed.out_features, bias=False)

    def forward(self, maps, low):
        features = self.map_head(self.dropout(maps)).flatten(2)
        parts = [features.mean(2)] if self.pool == 'mean' else [features.mean(2), features.amax(2)]
        return self.embed(torch.cat(parts, 1))


def variant(name):
    """(head arguments, fitting arguments) of a variant name: knobs joined by '+' on the 2026-12-05 head (width 128,
    800 steps, eta 1; 'width-128' alone names it): 'width-32',
    'steps-1600', 'dropout-0.3', 'eta-2', 'mean-pool', 'seed-N' (the head's initialisation and draws; e.g.
    'width-32+steps-1600')."""
    head_args, fit_args = {}, {}
    for knob in name.split('+'):
        key, _, value = knob.rpartition('-')
        if key == 'width':
            head_args['width'] = int(value)
        elif key == 'dropout':
            head_args['dropout'] = float(value)
        elif knob == 'mean-pool':
            head_args['pool'] = 'mean'
        elif key == 'steps':
            fit_args['steps'] = int(value)
        elif key == 'eta':
            fit_args['eta'] = float(value)
        elif key == 'seed':
            fit_args['seed'] = int(value)
        else:
            raise ValueError(f'unknown knob {knob}')
    return head_args, fit_args


def held_out_features(extractor, table):
    """{family: [per picture (maps, low)]}: every family's train- and validation-split pictures as stored."""
    if os.path.exists(HELD_OUT_CACHE):
        return torch.load(HELD_OUT_CACHE, weights_only=False)
    families = {}
    for split in ('train', 'validation'):
        for family, pictures in native.split_pictures(table, 'generated', split).items():
            families.setdefault(family, []).extend(pictures)
    out = {family: feature_bank.picture_features(extractor, pictures) for family, pictures in families.items()}
    torch.save(out, HELD_OUT_CACHE)
    return out


def fit(head_args, fit_args, real, fake):
    seed = fit_args.get('seed', DEFAULT_SEED)
    torch.manual_seed(seed)
    head = VariantHead(**head_args)
    centre = objectives.train_head(head, real, fake, fit_args.get('steps', feature_bank.HEAD_STEPS),
                                   torch.Generator().manual_seed(seed), eta=fit_args.get('eta', 1.0))
    return head, centre


def transfer(head_args, fit_args, banks, val_real, held_out):
    """Per fold: AUROC of the held-out families' pictures against the validation reals, and the share caught at
    the validation reals' 99th percentile."""
    folds = {}
    for fold, families in leave_family_out.FOLDS.items():
        head, centre = fit(head_args, fit_args, banks['real'], banks['generated'].without(families))
        real = feature_bank.picture_scores(head, centre, val_real, leave_family_out.TOP_K)
        fake = np.concatenate([feature_bank.picture_scores(head, centre, held_out[f], leave_family_out.TOP_K)
                               for f in families if held_out.get(f)])
        folds[fold] = {'pictures': len(fake), 'auroc': round(auroc(real, fake), 4),
                       'caught': round(float((fake >= np.quantile(real, 0.99)).mean()), 4)}
    return folds


def seed_means(variants):
    """Each variant's figures averaged over its seeds ('+seed-N' runs beside the default seed's), with the criterion
    the shipped head was chosen by: the mean of the leave-family-out and the validation mean AUROCs."""
    by_variant = {}
    for name, row in variants.items():
        base = '+'.join(k for k in name.split('+') if not k.startswith('seed-'))
        by_variant.setdefault(base, []).append(row)
    out = {}
    for base, rows in by_variant.items():
        mean = lambda pick: round(float(np.mean([pick(r) for r in rows])), 4)
        out[base] = {'seeds': len(rows), 'meanFoldAuroc': mean(lambda r: r['meanFoldAuroc']), 'meanFoldCaught': mean(lambda r: r['meanFoldCaught']),
                     'validationMeanAuroc': mean(lambda r: r['validation']['meanAuroc'])}
        out[base]['criterion'] = round((out[base]['meanFoldAuroc'] + out[base]['validationMeanAuroc']) / 2, 4)
    return dict(sorted(out.items(), key=lambda item: -item[1]['criterion']))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--variants', default='width-128,width-32+eta-2')
    args = parser.parse_args()
    set_up_cpu()
    banks, val = torch.load(probe_features.CACHE, weights_only=False)
    held_out = held_out_features(feature_bank.Extractor(), splits.build(DEFAULT_SEED))
    val_real = [rows for group in val['real'].values() for rows in group]
    results = json.load(open(RESULTS)) if os.path.exists(RESULTS) else {'method': __doc__.split('\n\n')[1].replace('\n', ' '), 'variants': {}}
    for name in filter(None, args.variants.split(',')):
        head_args, fit_args = variant(name)
        started = time.time()
        folds = transfer(head_args, fit_args, banks, val_real, held_out)
        head, centre = fit(head_args, fit_args, banks['real'], banks['generated'])
        row = {'folds': folds, 'meanFoldAuroc': round(float(np.mean([f['auroc'] for f in folds.values()])), 4),
               'meanFoldCaught': round(float(np.mean([f['caught'] for f in folds.values()])), 4),
               'validation': probe_features.judge(head, centre, val), 'seconds': round(time.time() - started)}
        row['validation']['meanAuroc'] = round(row['validation']['meanAuroc'], 4)
        results['variants'][name] = row
        results['seedMeans'] = seed_means(results['variants'])
        log(f'{name}: leave-family-out (train+validation pictures) mean AUROC {row["meanFoldAuroc"]}, caught {row["meanFoldCaught"]}; '
            f'validation mean AUROC {row["validation"]["meanAuroc"]} ({row["seconds"]}s) '
            + ', '.join(f'{k} {v["auroc"]}' for k, v in folds.items()))
        write_json(RESULTS, results)


if __name__ == '__main__':
    main()
