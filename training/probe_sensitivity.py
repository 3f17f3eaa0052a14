"""Probe (issue 19): a training-free trace score, how much the frozen backbone's features move under a little noise.

Everything the trace views learn is learned from generated examples, and leave-family-out (leave_family_out.py,
docs/models.md) shows it transfers weakly to families nobody trained on. Training-free detectors (RIGID, and
"intermediate representations are strong AI-generated image detectors") score instead how far a pretrained
network's embedding of a picture moves when the picture is perturbed slightly: real and generated pictures respond
differently, and nothing is learned from any generator, so every generator is an unseen one. This probe asks whether
the backbone the models already run (the frozen MobileNetV2 stem and blocks 0-10, feature_bank.shipped_extractor)
carries that signal, on the validation split only (training/data-splits.json), before anything is built on it:

- for each crop the browser would pick (crops.crops_of), the cosine similarity between block 10's map of the crop
  and of the crop plus Gaussian noise of standard deviation sigma (in 8-bit levels; one draw, a fixed seed);
- a picture's score: the mean of its crops' similarities (pictures under 128 px have no crops: skipped);
- AUROC with the similarity as the score of generated pictures (above 0.5: generated pictures' features move less;
  below: more; the direction is a finding, not a choice), per family against every validation real picture, and
  family-weighted as the view rule weighs families (the square root of their size);
- beside it, on the same pictures and crops, the shipped trace head's score (training/finishing_run.pt: the head
  the shipped models carry), aggregated as the manifest says.

Reads ../shared/data and training/finishing_run.pt; writes training/results/sensitivity-probe.json.
Run: /usr/bin/python3 training/probe_sensitivity.py [--sigmas 1,2,4,8] [--limit N]"""
import argparse
import json
import os
import time

import numpy as np
import torch

import calibration
import crops
import feature_bank
import native
import networks
import splits
from common import DEFAULT_SEED, log, set_up_cpu, write_json
from probe_feature_ae import criterion

HERE = os.path.dirname(os.path.abspath(__file__))
RESULTS = os.path.join(HERE, 'results', 'sensitivity-probe.json')
CHECKPOINT = os.path.join(HERE, 'finishing_run.pt')
MANIFEST = os.path.join(HERE, '..', 'public', 'models', 'manifest.json')


@torch.no_grad()
def picture_scores(extractor, head, centre, picture, sigmas, top_k, generator):
    """{'head': the shipped head's raw trace score, sigma: mean cosine similarity of the crops' maps with and
    without noise} of one picture, or None without crops."""
    windows = crops.crops_of(picture)[0]
    if not len(windows):
        return None
    clean = torch.from_numpy(np.ascontiguousarray(windows)).permute(0, 3, 1, 2).float() / 255.0
    maps = extractor(clean)[0]
    no_taps = maps.flatten(1)[:, :0]  # the shipped head reads block 10's map alone (feature_bank.USE_TAPS)
    scores = {'head': calibration.aggregate_crops(((head(maps, no_taps) - centre) ** 2).sum(1).numpy(), top_k)}
    for sigma in sigmas:
        noisy = (clean + torch.randn(clean.shape, generator=generator) * (sigma / 255.0)).clamp(0, 1)
        similarity = torch.nn.functional.cosine_similarity(maps.flatten(1), extractor(noisy)[0].flatten(1), dim=1)
        scores[sigma] = float(similarity.mean())
    return scores


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--sigmas', default='1,2,4,8', help='noise standard deviations, in 8-bit levels')
    parser.add_argument('--limit', type=int, default=None, help='the first N pictures of each group (a smoke run; nothing written)')
    args = parser.parse_args()
    set_up_cpu()
    started, sigmas = time.time(), [float(s) for s in args.sigmas.split(',')]
    weights = torch.load(CHECKPOINT, weights_only=False)['weights']
    shipped = networks.trace_encoder()
    shipped.load_state_dict(weights['traceEncoder'])
    shipped.eval()
    extractor, top_k = feature_bank.shipped_extractor(), json.load(open(MANIFEST))['input']['crops']['topK']
    extractor.eval()
    table, generator = splits.build(DEFAULT_SEED), torch.Generator().manual_seed(DEFAULT_SEED)
    scores, counts = {'real': {}, 'generated': {}}, {'real': {}, 'generated': {}}
    for label in scores:
        for group, pictures in native.split_pictures(table, label, 'validation').items():
            rows = [picture_scores(extractor, shipped.head, weights['traceCentre'], p, sigmas, top_k, generator) for p in pictures[:args.limit]]
            scores[label][group] = [r for r in rows if r is not None]
            counts[label][group] = len(scores[label][group])
        log(f'{label} pictures scored ({time.time() - started:.0f}s)')
    # One score of every picture, {label: {group: [score]}}, as probe_feature_ae.criterion takes them.
    of = lambda key: {label: {g: np.array([r[key] for r in rows]) for g, rows in groups.items()} for label, groups in scores.items()}
    result = {'protocol': __doc__.split('\n\n')[1].replace('\n', ' '), 'topK': top_k, 'pictures': counts,
              'shippedHead': criterion(of('head')),
              'similarity': {str(sigma): criterion(of(sigma)) for sigma in sigmas},
              'seconds': round(time.time() - started)}
    log(f"shipped head {result['shippedHead']['familyWeightedAuroc']}; "
        + ', '.join(f"sigma {s}: {r['familyWeightedAuroc']}" for s, r in result['similarity'].items()))
    if args.limit is not None:
        return
    write_json(RESULTS, result)
    log(f'wrote {os.path.relpath(RESULTS)}')


if __name__ == '__main__':
    main()
