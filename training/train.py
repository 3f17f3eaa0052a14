"""Train, calibrate and export the two-view Deep SVDD (Deep SAD) + autoencoder ensemble.

    /usr/bin/python3 training/train.py [--epochs N] [--trace-steps N] [--limit N] [--out public/models]
                                       [--checkpoint PATH] [--trace-autoencoder KIND]
                                       [--from-checkpoint PATH [--retrain-trace | --retrain-head] [--retrain-autoencoder] [--retrain-whole]]

The stages, each a module that says what it reads and writes:
  1. data        whole_view.py (32x32 whole-image view), trace_view.py (native crops, everyday edits, splits.py roles)
  2. objectives  objectives.py (Deep SAD hypersphere classifier, Deep-SAD-style autoencoders), networks.py
  3. calibration scorers.py (the graphs' arithmetic on pictures), calibration.py (curves, view rule, presets)
  4. export      export.py (ONNX, parity fixtures, manifest)
  5. evaluation  `npm run models:eval` (src/node/evaluate.ts) measures the shipped files through the TypeScript path.
Evaluation sets (cifar10_test, MNIST, Fashion-MNIST, fake_cifar_like, photos/val, the test split of
training/data-splits.json) are never read here; validation splits carved from the training data fix every choice.
"""
import argparse
import datetime
import os
import time
from types import SimpleNamespace

import numpy as np
import torch

import calibration as cal
import crops
import data
import export
import feature_bank
import gan
import native
import networks
import objectives
import simulators
import splits
import trace_view
import whole_view
from common import DEFAULT_SEED, auroc, evaluate_in_chunks, log, set_up_cpu, to_tensor, write_json
from scorers import Scorers


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--epochs', type=int, default=int(os.environ.get('EPOCHS', 3)), help='whole-image view epochs')
    parser.add_argument('--trace-steps', type=int, default=int(os.environ.get('TRACE_STEPS', objectives.TRACE_STEPS)),
                        help='steps of the trace autoencoder (and of an online-trained trace encoder)')
    parser.add_argument('--head-steps', type=int, default=int(os.environ.get('HEAD_STEPS', feature_bank.HEAD_STEPS)),
                        help="steps of the trace Deep SVDD's head on banked features")
    parser.add_argument('--limit', type=int, default=None, help='use only the first N images of each set (smoke runs)')
    parser.add_argument('--eta', type=float, default=1.0, help='Deep SAD weight of the labelled anomalies (whole-image view)')
    parser.add_argument('--head-eta', type=float, default=feature_bank.HEAD_ETA,
                        help="the same weight for the trace Deep SVDD's head on banked features")
    parser.add_argument('--head-width', type=int, default=feature_bank.HEAD_WIDTH,
                        help="channels of the trace Deep SVDD's head on banked features")
    parser.add_argument('--head-members', type=int, default=feature_bank.HEAD_MEMBERS,
                        help="heads of the trace Deep SVDD, each fitted alone, averaged (feature_bank.HeadEnsemble)")
    parser.add_argument('--head-mix', type=float, default=feature_bank.HEAD_MIX,
                        help="share of the head's training rows given MixStyle (objectives.mix_style; 0: none)")
    parser.add_argument('--head-dro', type=float, default=feature_bank.HEAD_DRO,
                        help="group DRO's step size over generator families for the head's push (objectives.group_dro_push; 0: none)")
    parser.add_argument('--ae-eta', type=float, default=1.0)
    parser.add_argument('--gan-steps', type=int, default=int(os.environ.get('GAN_STEPS', 400)),
                        help='steps of our own small DCGAN, a self-made source held out of training (0: none)')
    parser.add_argument('--out', default=os.path.join(os.path.dirname(__file__), '..', 'public', 'models'))
    parser.add_argument('--seed', type=int, default=DEFAULT_SEED)
    parser.add_argument('--checkpoint', default=os.path.join(os.path.dirname(__file__), 'last_run.pt'),
                        help='where to save the trained weights and training facts')
    parser.add_argument('--from-checkpoint', default=None,
                        help='skip training: re-calibrate and re-export from a checkpoint written by --checkpoint')
    parser.add_argument('--retrain-trace', action='store_true',
                        help='with --from-checkpoint: train both trace views anew (--trace-steps), keep the whole-image views')
    parser.add_argument('--retrain-head', action='store_true',
                        help="with --from-checkpoint: fit the trace Deep SVDD's head anew on freshly banked features "
                             '(--head-steps, --head-width, --head-eta), keep the trace autoencoder and the whole-image views')
    parser.add_argument('--retrain-autoencoder', action='store_true',
                        help='with --from-checkpoint: refit only the trace autoencoder (--trace-autoencoder, --trace-steps), '
                             "keep Deep SVDD's trace head and the whole-image views")
    parser.add_argument('--trace-autoencoder', default=networks.TRACE_AUTOENCODER, choices=networks.TRACE_AUTOENCODER_KINDS,
                        help='the trace autoencoder trained: on the frozen backbone\'s block-10 features (its --trace-steps steps on '
                             'the banked rows), or on the pixel residual (the shipped kind before the sixteenth round)')
    parser.add_argument('--retrain-whole', action='store_true',
                        help='with --from-checkpoint: train both whole-image views (and their simulators) anew, keep the trace views')
    parser.add_argument('--prior-save', type=float, default=native.PRIOR_SAVE_SHARE,
                        help='share of trace-view training pictures given an earlier JPEG save at a random grid phase '
                             'before the edit chain (native.prior_save; 0: none)')
    parser.add_argument('--finishing', type=float, default=native.FINISHING_SHARE,
                        help="share of trace-view training pictures given a phone's or app's denoising and sharpening "
                             'before the edit chain, both classes alike (native.finish; 0: none; default: the shipped recipe)')
    parser.add_argument('--subject-balance', type=float, default=0.0,
                        help='strength of the propensity weights that balance what the trace-view training pictures show '
                             'across the classes (subject.py: 1 full inverse-propensity weights, 0 none)')
    parser.add_argument('--view-rule', type=view_rule, default=cal.SHIPPED_VIEW_RULE, metavar='TOP_K,TRACE_WEIGHT',
                        help='the view rule exported (crops counted, trace view weight; default: calibration.SHIPPED_VIEW_RULE), '
                             "or 'choose' to let calibration.choose_view_rule's criterion pick it on validation")
    parser.add_argument('--many-crops-curve', type=int, default=cal.MANY_CROPS, metavar='MIN_CROPS',
                        help='fit a trace curve of its own for pictures judged on MIN_CROPS crops or more (manifest '
                             'calibration.<model>.trace.manyCrops; docs/models.md, "Twentieth round": measured, not shipped; '
                             'default: none)')
    parser.add_argument('--simulator-steps', type=int, default=int(os.environ.get('SIMULATOR_STEPS', 200)),
                        help='training steps of each AutoGAN-style simulator (simulators.py; 0: no simulated fakes)')
    return parser.parse_args()


def view_rule(text):
    """--view-rule: 'choose' (None), or TOP_K,TRACE_WEIGHT."""
    if text == 'choose':
        return None
    top_k, trace_weight = text.split(',')
    return int(top_k), float(trace_weight)


def load_training_data(args, rng):
    """Stage 1: both views' training and validation data from the splits table (never an evaluation picture)."""
    table = splits.build(args.seed)
    # The whole-image view (pictures under 128 px; larger ones have crops) and its statistics prior learn from whole
    # photographs only. diverse_train's reals are 256-px native crops, not whole pictures: their flat, colourless or
    # clipped 32-px patches widened the prior's spread and raised its knee, so it stopped telling clothing renders
    # and line art from photographs. The trace view reads them from `table`.
    train_paths, val_paths = native.photo_split(args.seed)
    if args.limit:
        train_paths, val_paths = train_paths[:12], val_paths[:6]
    normal, generated, whole_val, lossless = whole_view.build_whole_view(
        args, rng, [data.load_photo(p) for p in train_paths], [data.load_photo(p) for p in val_paths])
    trace = trace_view.build_trace_view(args, rng, table)
    stats = networks.image_statistics(normal)
    return SimpleNamespace(normal=normal, generated=generated, whole_val=whole_val, lossless=lossless,
                           real_pools=trace.real_pools, fake_pools=trace.fake_pools, trace_val=trace.validation,
                           crop_weights=trace.crop_weights, subject_balance=trace.subject_balance,
                           grids=native.sd_grid_split(args.seed), stat_mean=stats.mean(0), stat_std=stats.std(0))


def train_whole_views(args, sets, rng, generator):
    """Stage 2a: our simulated fakes, then the whole-image Deep SVDD and autoencoder: (encoder, centre, autoencoder, facts)."""
    started = time.time()
    with_fakes = sets.generated
    if args.simulator_steps > 0:
        shuffled = to_tensor(sets.lossless[rng.permutation(len(sets.lossless))])
        fakes = simulators.simulated_fakes(shuffled, args.simulator_steps, generator, log)
        with_fakes = torch.cat([sets.generated, to_tensor(whole_view.jpeg_some(fakes.permute(0, 2, 3, 1).numpy() * 255, rng))])
    encoder, centre = objectives.train_whole_svdd(sets.normal, with_fakes, args, generator)
    autoencoder = objectives.train_whole_autoencoder(sets.normal, with_fakes, args, generator)
    facts = {'epochs': args.epochs, 'svddObjective': 'hypersphere classifier', 'simulatorSteps': args.simulator_steps,
             'simulatedFakes': len(with_fakes) - len(sets.generated), 'seconds': round(time.time() - started)}
    return encoder, centre, autoencoder, facts


def head_facts(args):
    """How the trace Deep SVDD's head on banked features was fitted."""
    return {'headSteps': args.head_steps, 'headWidth': args.head_width, 'headEta': args.head_eta, 'headMembers': args.head_members,
            'headMixShare': args.head_mix, 'headDroStep': args.head_dro}


def draw_facts(args, sets):
    """How the trace views' training pictures were prepared and drawn: the shares given a JPEG save or a phone's
    finishing first, and the subject weights."""
    return {'priorSaveShare': args.prior_save, 'finishingShare': args.finishing,
            'subjectBalance': sets.subject_balance or {'strength': 0}}


def trace_facts(args, sets, seconds):
    return {'traceSteps': args.trace_steps, **head_facts(args), **draw_facts(args, sets), 'traceEncoder': networks.TRACE_ENCODER,
            'traceAutoencoder': networks.TRACE_AUTOENCODER,
            'traceCrops': trace_view.trace_crop_counts(sets.real_pools, sets.fake_pools), 'traceSeconds': round(seconds),
            'sd15Grids': {k: [os.path.basename(p) for p in v] for k, v in sets.grids.items()},
            'unseenGenerators': list(native.UNSEEN_GENERATORS)}


def train_from_scratch(args, sets, rng, generator, started):
    """Stage 2: every view trained anew; the weights and training facts saved to --checkpoint."""
    dcgan_samples = None
    if args.gan_steps > 0:  # held out: never a training anomaly, only measured in validation
        dcgan_samples = gan.train_gan(sets.normal, args.gan_steps, generator, samples_per_snapshot=250, snapshots=2, log=log)
    encoder, centre, autoencoder, whole_facts = train_whole_views(args, sets, rng, generator)
    started_trace = time.time()
    trace_encoder, trace_centre, trace_autoencoder = objectives.train_trace(
        sets.real_pools, sets.fake_pools, args, generator, sets.crop_weights)
    facts = {'epochs': args.epochs, 'seed': args.seed, 'eta': args.eta, 'aeEta': args.ae_eta, 'ganSteps': args.gan_steps,
             'limit': args.limit, 'seconds': round(time.time() - started), 'simulatorSteps': args.simulator_steps,
             'wholeViewImages': len(sets.normal) + len(sets.generated) + whole_facts['simulatedFakes'],
             'wholeViewSeconds': whole_facts['seconds'], 'torch': torch.__version__,
             **trace_facts(args, sets, time.time() - started_trace)}
    if dcgan_samples is not None:
        facts['dcganSamples'] = len(dcgan_samples)
    checkpoint = {'weights': {'encoder': encoder.state_dict(), 'autoencoder': autoencoder.state_dict(),
                              'traceEncoder': trace_encoder.state_dict(), 'traceAutoencoder': trace_autoencoder.state_dict(),
                              'centre': centre, 'traceCentre': trace_centre},
                  'training': facts, 'dcganSamples': dcgan_samples}
    torch.save(checkpoint, args.checkpoint)
    log(f'trained in {facts["seconds"]}s; checkpoint {args.checkpoint}')
    return checkpoint


def train_from_checkpoint(args, sets, checkpoint, rng, generator):
    """Stage 2, partly: the weights of --from-checkpoint, with the trace or whole-image views trained anew if asked."""
    log(f'weights and training facts from {args.from_checkpoint}')
    weights, facts = checkpoint['weights'], checkpoint['training']
    if args.retrain_trace:
        started = time.time()
        trace_encoder, trace_centre, trace_autoencoder = objectives.train_trace(sets.real_pools, sets.fake_pools, args, generator, sets.crop_weights)
        weights.update(traceEncoder=trace_encoder.state_dict(), traceAutoencoder=trace_autoencoder.state_dict(), traceCentre=trace_centre)
        facts = {**facts, **trace_facts(args, sets, time.time() - started),
                 'traceViewsRetrained': {'steps': args.trace_steps, 'seconds': round(time.time() - started)}}
    banks = None  # the head's banks, when it is refitted: the autoencoder is then fitted on them too
    if args.retrain_head:
        started = time.time()
        trace_encoder, trace_centre, banks = objectives.train_banked_trace_svdd(sets.real_pools, sets.fake_pools, args, generator, sets.crop_weights)
        weights.update(traceEncoder=trace_encoder.state_dict(), traceCentre=trace_centre)
        head = head_facts(args)
        facts = {**facts, **head, **draw_facts(args, sets), 'traceEncoder': 'mobilenet-v2-taps',
                 'traceHeadRetrained': {'steps': head['headSteps'], 'width': head['headWidth'], 'eta': head['headEta'], 'members': head['headMembers'],
                                        'mixShare': head['headMixShare'], 'droStep': head['headDroStep'], 'seconds': round(time.time() - started)}}
    if args.retrain_autoencoder:
        started = time.time()
        trace_autoencoder = objectives.fit_trace_autoencoder(sets.real_pools, sets.fake_pools, args, generator, sets.crop_weights, banks)
        weights.update(traceAutoencoder=trace_autoencoder.state_dict())
        facts = {**facts, 'traceAutoencoder': networks.TRACE_AUTOENCODER,
                 'traceAutoencoderRetrained': {'kind': networks.TRACE_AUTOENCODER, 'steps': args.trace_steps, 'seconds': round(time.time() - started)}}
    if args.retrain_whole:
        encoder, centre, autoencoder, whole_facts = train_whole_views(args, sets, rng, generator)
        weights.update(encoder=encoder.state_dict(), autoencoder=autoencoder.state_dict(), centre=centre)
        facts = {**facts, 'wholeViewsRetrained': whole_facts,
                 'wholeViewImages': len(sets.normal) + len(sets.generated) + whole_facts['simulatedFakes']}
    checkpoint['training'] = facts
    if args.retrain_trace or args.retrain_head or args.retrain_autoencoder or args.retrain_whole:
        torch.save(checkpoint, args.checkpoint)
        log(f'views retrained; checkpoint {args.checkpoint}')
    return checkpoint


def modules_of(checkpoint):
    """The four trained networks and two centres of a checkpoint, in inference mode."""
    weights = checkpoint['weights']
    modules = {'encoder': networks.SvddEncoder(), 'autoencoder': networks.ConvAutoencoder(),
               'traceEncoder': networks.trace_encoder(checkpoint['training'].get('traceEncoder', 'scratch-npr'),
                                                      checkpoint['training'].get('headWidth', 128),  # 128 before it was recorded
                                                      checkpoint['training'].get('headMembers', 1)),  # 1 before it was recorded
               'traceAutoencoder': networks.trace_autoencoder(checkpoint['training'].get('traceAutoencoder', networks.PIXEL_TRACE_AUTOENCODER))}
    for key, module in modules.items():
        module.load_state_dict(weights[key])
        module.eval()
    return SimpleNamespace(**modules, centre=weights['centre'], trace_centre=weights['traceCentre'])


@torch.no_grad()
def build_scorers(trained, sets):
    """Stage 3a: the exported graphs, each learned part divided by its median on validation real pictures so the
    parts weigh the same. Returns (Scorers, scales, whole_real, small_real_count, conditioned validation pictures)."""
    whole_val = sets.whole_val
    # Validation small real pictures (32 px): CIFAKE real and photo crops, the first rows of whole_real.
    whole_real = torch.cat([whole_val['cifake_real'], whole_val['photo_crops'], whole_val['photos_whole']])
    small_real_count = len(whole_val['cifake_real']) + len(whole_val['photo_crops'])
    prior = networks.StatisticsPrior(sets.stat_mean, sets.stat_std)
    pictures = {label: {group: trace_view.conditioned(p) for group, p in groups.items()} for label, groups in sets.trace_val.items()}
    pictures['real edited'] = {group: trace_view.edited(p, seed=k) for k, (group, p) in enumerate(sets.trace_val['real'].items())}
    real_windows = to_tensor(np.concatenate([crops.crops_of(p)[0] for ps in pictures['real'].values() for p in ps]))
    deviation = prior(whole_real)
    scales = {
        'embedding': float(((evaluate_in_chunks(trained.encoder, whole_real) - trained.centre) ** 2).sum(1).median()),
        'reconstruction': float(((evaluate_in_chunks(trained.autoencoder, whole_real) - whole_real) ** 2).flatten(1).mean(1).median()),
        'statistics': float(deviation.median()),
        'statisticsKnee': float(deviation[:small_real_count].quantile(cal.PRIOR_KNEE_QUANTILE)),
        'traceEmbedding': float(((evaluate_in_chunks(trained.traceEncoder, real_windows, 64) - trained.trace_centre) ** 2).sum(1).median()),
        'traceReconstruction': float(evaluate_in_chunks(trained.traceAutoencoder.crop_error, real_windows, 64).median()),
    }
    prior.knee, prior.scale = scales['statisticsKnee'], scales['statistics'] / cal.PRIOR_WEIGHT
    svdd = networks.TwoViewSvddScorer(networks.SvddScorer(trained.encoder, trained.centre, prior, scales['embedding']),
                                      trained.traceEncoder, trained.trace_centre, scales['traceEmbedding']).eval()
    ae = networks.TwoViewAutoencoderScorer(networks.AutoencoderScorer(trained.autoencoder, prior, scales['reconstruction']),
                                           trained.traceAutoencoder, scales['traceReconstruction']).eval()
    return Scorers(svdd, ae), scales, whole_real, small_real_count, pictures


def score_validation(scorers, whole_real, small_real_count, pictures, whole_val):
    """Stage 3b: raw validation scores: whole-image ones of every real picture, per group those of real and generated
    pictures with their crops, and the small (32 px) real and generated ones."""
    whole_raw = scorers.whole(whole_real)
    real_raw = {group: scorers.pictures(p) for group, p in pictures['real'].items()}
    fake_raw = {group: scorers.pictures(p) for group, p in pictures['generated'].items()}
    real_edited_raw = {group: scorers.pictures(p) for group, p in pictures['real edited'].items()}
    log('validation pictures scored (conditions: PNG, JPEG q95 / q75, WebP q80, halved + JPEG q90): real '
        + ', '.join(f'{k} {len(v)}' for k, v in pictures['real'].items()) + '; generated '
        + ', '.join(f'{k} {len(v)}' for k, v in pictures['generated'].items())
        + f'; real under the everyday edits ({len(trace_view.EVERYDAY_EDITS)} each) '
        + ', '.join(f'{k} {len(v)}' for k, v in pictures['real edited'].items()))
    cifake_real = len(whole_val['cifake_real'])
    return SimpleNamespace(
        whole=whole_raw, real=real_raw, fake=fake_raw, real_edited=real_edited_raw,
        small=cal.small_pictures({k: v[:cifake_real] for k, v in whole_raw.items()}),
        # Small real pictures: CIFAKE's thumbnails and crops of the validation photos (aligned on CIFAKE alone, 14%
        # of small photo crops were flagged).
        small_real=cal.small_pictures({k: v[:small_real_count] for k, v in whole_raw.items()}),
        small_fake=cal.small_pictures(scorers.whole(whole_val['cifake_fake'])))


def validation_figures(raw, rule, presets, weights, dcgan_samples, scorers):
    """Stage 3d: the validation figures the manifest records (design decisions are made on these, never on the
    evaluation sets)."""
    top_k, trace_weight, calibration = rule['topK'], rule['traceWeight'], rule['calibration']
    ensemble_small = cal.ensemble_of(raw.small, calibration, weights)
    ensemble_fake_small = cal.ensemble_of(raw.small_fake, calibration, weights)
    ensemble_photos = cal.ensemble_of(cal.merge_groups(raw.real, top_k), calibration, weights, trace_weight)
    threshold = presets[cal.DEFAULT_PRESET]['threshold']
    validation = {'cifakeAuroc': auroc(ensemble_small, ensemble_fake_small),
                  'cifakeAccuracy': float(((ensemble_small < threshold).sum() + (ensemble_fake_small >= threshold).sum())
                                          / (len(ensemble_small) + len(ensemble_fake_small))),
                  'photosFlagged': float((ensemble_photos >= threshold).mean()),
                  'viewRule': {'topK': top_k, 'traceWeight': trace_weight, 'candidates': rule['table']}}
    for group, group_raw in raw.real.items():
        scores = cal.ensemble_of(cal.with_traces(group_raw, top_k), calibration, weights, trace_weight)
        validation[f'real_{group}Flagged'] = float((scores >= threshold).mean())
    edited = cal.ensemble_of(cal.merge_groups(raw.real_edited, top_k), calibration, weights, trace_weight)
    edit_of = np.concatenate([np.arange(len(r['crops'])) % len(trace_view.EVERYDAY_EDITS) for r in raw.real_edited.values()])
    validation['realEditedFlagged'] = {name: float((edited[edit_of == i] >= threshold).mean())
                                       for i, (name, _) in enumerate(trace_view.EVERYDAY_EDITS)}
    log('validation real photos flagged at the default under the everyday edits: '
        + ', '.join(f'{k} {v:.4f}' for k, v in validation['realEditedFlagged'].items()))
    for group, group_raw in raw.fake.items():
        fake = cal.ensemble_of(cal.with_traces(group_raw, top_k), calibration, weights, trace_weight)
        validation[f'generated_{group}Auroc'] = auroc(ensemble_photos, fake)
        validation[f'generated_{group}Flagged'] = float((fake >= threshold).mean())
    if dcgan_samples is not None:
        held_out = cal.small_pictures(scorers.whole(dcgan_samples))
        validation['ownDcganUnseenAuroc'] = auroc(ensemble_small, cal.ensemble_of(held_out, calibration, weights))
    log('validation: ' + ', '.join(f'{k} {v:.4f}' for k, v in validation.items() if isinstance(v, float)))
    return validation


def main():
    args = parse_args()
    if (args.retrain_head or args.retrain_autoencoder) and (args.retrain_trace or not args.from_checkpoint):
        raise SystemExit('--retrain-head and --retrain-autoencoder go with --from-checkpoint, without --retrain-trace (which refits both)')
    networks.TRACE_AUTOENCODER = args.trace_autoencoder
    checkpoint = torch.load(args.from_checkpoint) if args.from_checkpoint else None
    if checkpoint is not None:  # the same data splits as the run that trained these weights
        args.seed, args.limit = checkpoint['training']['seed'], checkpoint['training']['limit']
    native.PRIOR_SAVE_SHARE, native.FINISHING_SHARE = args.prior_save, args.finishing
    cal.MANY_CROPS = args.many_crops_curve
    set_up_cpu()
    torch.manual_seed(args.seed)
    rng, generator = np.random.default_rng(args.seed), torch.Generator().manual_seed(args.seed)
    started = time.time()

    sets = load_training_data(args, rng)
    if checkpoint is None:
        checkpoint = train_from_scratch(args, sets, rng, generator, started)
    else:
        checkpoint = train_from_checkpoint(args, sets, checkpoint, rng, generator)
    scorers, scales, whole_real, small_real_count, pictures = build_scorers(modules_of(checkpoint), sets)
    raw = score_validation(scorers, whole_real, small_real_count, pictures, sets.whole_val)
    weights = {'svdd': 0.5, 'autoencoder': 0.5}
    rule = cal.choose_view_rule(raw, weights, log, args.view_rule)
    presets = cal.presets_for(raw, rule, weights)
    validation = validation_figures(raw, rule, presets, weights, checkpoint.get('dcganSamples'), scorers)

    os.makedirs(args.out, exist_ok=True)
    files = export.export_models(scorers, args.out, sets.whole_val)
    facts = {**checkpoint['training'], 'reexportedFromCheckpoint': bool(args.from_checkpoint), 'scoreScales': scales,
             'wholeViewCalibrationOffset': round(rule['alignment'], 4), 'priorWeight': cal.PRIOR_WEIGHT,
             'priorKneeQuantile': cal.PRIOR_KNEE_QUANTILE, 'statistics': list(networks.STAT_NAMES), 'validation': validation}
    chosen_on = cal.presets_chosen_on(raw, rule, weights, sets.trace_val['real'], [name for name, _ in trace_view.EVERYDAY_EDITS])
    version = datetime.datetime.now(datetime.timezone.utc).strftime('%Y.%m.%d-%H%M%S')
    manifest = export.build_manifest(version, files, rule, weights, presets, chosen_on, facts)
    write_json(os.path.join(args.out, 'manifest.json'), manifest)
    log(f'exported {files["svdd"]["file"]} ({files["svdd"]["bytes"]} B), {files["autoencoder"]["file"]} '
        f'({files["autoencoder"]["bytes"]} B); presets {presets}; {time.time() - started:.0f}s')


if __name__ == '__main__':
    main()
