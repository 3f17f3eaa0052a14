"""Train, calibrate and export the Deep SVDD + autoencoder ensemble.

    /usr/bin/python3 training/train.py [--epochs N] [--limit N] [--out public/models]

Reads natural training images only (cifar10_train, cifar100_train_subset, photos/train), holds out a
validation split of them for calibration and thresholds, exports both graphs as ONNX (opset 17, dynamic
batch) and writes manifest.json. `npm run models:eval` then measures the shipped files and adds the metrics.
"""
import argparse
import datetime
import hashlib
import json
import math
import os
import time

import numpy as np
import torch
import torch.nn.functional as F

import corruptions
import data
import gan
import networks

PRESET_FALSE_ALARM = {'sensitive': 0.03, 'balanced': 0.01, 'conservative': 0.003}
DEFAULT_PRESET = 'balanced'


def log(message):
    print(f'[{time.strftime("%H:%M:%S")}] {message}', flush=True)


def to_tensor(images_hwc):
    """uint8/float 0..255 NHWC -> float32 NCHW in [0, 1]."""
    return torch.from_numpy(np.ascontiguousarray(images_hwc, dtype=np.float32) / 255.0).permute(0, 3, 1, 2).contiguous()


def build_splits(args, rng):
    """Natural images at 32x32 (the networks' working scale): training and held-out validation."""
    cifar10, _ = data.load_set('cifar10_train', args.limit)
    cifar100, _ = data.load_set('cifar100_train_subset', args.limit and args.limit // 5)
    val10, val100 = max(1, len(cifar10) // 15), max(1, len(cifar100) // 10)
    photos = [data.load_photo(path) for path in data.photo_paths('train')]
    order = rng.permutation(len(photos))
    val_photos = [photos[i] for i in order[:40]]
    train_photos = [photos[i] for i in order[40:]]
    if args.limit:
        train_photos = train_photos[:20]
    train_cifar = np.concatenate([cifar10[:-val10], cifar100[:-val100]])
    val_cifar = np.concatenate([cifar10[-val10:], cifar100[-val100:]])
    n_train = len(train_cifar)
    train = np.concatenate([
        train_cifar.astype(np.float32),
        data.jpeg_roundtrip(train_cifar[rng.permutation(n_train)[:n_train // 4]], (40, 96), rng).astype(np.float32),
        data.photo_crops(train_photos, n_train // 4, rng),
        np.stack([data.area_resize(data.centre_square(p), 32) for p in train_photos]).astype(np.float32),
    ])
    val_parts = {
        'cifar': val_cifar.astype(np.float32),
        'cifar_jpeg': data.jpeg_roundtrip(val_cifar, (50, 96), rng).astype(np.float32),
        'photo_crops': data.photo_crops(val_photos, len(val_cifar) // 2, rng),
        'photos_whole': np.stack([data.area_resize(data.centre_square(p), 32) for p in val_photos]).astype(np.float32),
    }
    log(f'train {len(train)} images ({n_train} CIFAR, {len(train_photos)} photos); '
        f'validation {sum(len(v) for v in val_parts.values())} ({len(val_photos)} photos)')
    return to_tensor(train), {name: to_tensor(images) for name, images in val_parts.items()}


def batches(images, batch_size, generator, augment=True):
    order = torch.randperm(len(images), generator=generator)
    for start in range(0, len(images), batch_size):
        batch = images[order[start:start + batch_size]]
        if augment:
            flip = torch.rand(len(batch), generator=generator) < 0.5
            batch[flip] = batch[flip].flip(3)
        yield batch


@torch.no_grad()
def evaluate_in_chunks(function, images, chunk=1024):
    return torch.cat([function(images[i:i + chunk]) for i in range(0, len(images), chunk)])


def anomaly_batch(batch, gan_samples, count, generator, gan_share=0.5):
    """Labelled anomalies for Deep SAD: procedural corruptions of natural images and, when a GAN was trained,
    `gan_share` of them samples of our own small GAN."""
    if gan_samples is None or len(gan_samples) == 0:
        return corruptions.corrupt(batch[:count], generator)
    half = count - int(round(count * gan_share))
    picked = gan_samples[torch.randint(0, len(gan_samples), (count - half,), generator=generator)]
    flip = torch.rand(len(picked), generator=generator) < 0.5
    picked[flip] = picked[flip].flip(3)
    return torch.cat([corruptions.corrupt(batch[:half], generator), picked])


def train_svdd(train, args, generator, gan_samples=None):
    """Deep SAD (Ruff et al. 2020): pull natural images to the centre, push procedural corruptions away."""
    encoder = networks.SvddEncoder()
    encoder.eval()
    with torch.no_grad():  # the centre is fixed from an initial pass and never trained
        centre = evaluate_in_chunks(encoder, train[:4096]).mean(0)
    centre[(centre.abs() < 0.1) & (centre < 0)] = -0.1
    centre[(centre.abs() < 0.1) & (centre >= 0)] = 0.1
    optimiser = torch.optim.Adam(encoder.parameters(), lr=1e-3, weight_decay=1e-6)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimiser, 2e-3, total_steps=args.epochs * math.ceil(len(train) / 256))
    for epoch in range(args.epochs):
        encoder.train()
        total, started = 0.0, time.time()
        for batch in batches(train, 256, generator):
            anomalies = anomaly_batch(batch, gan_samples, 128, generator, args.gan_share)
            distances = ((encoder(torch.cat([batch, anomalies])) - centre) ** 2).sum(1)
            normal_d, anomaly_d = distances[:len(batch)], distances[len(batch):]
            loss = normal_d.mean() + args.eta * (1.0 / (anomaly_d + 1e-6)).mean()
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
            total += float(loss) * len(batch)
        log(f'svdd epoch {epoch + 1}/{args.epochs} loss {total / len(train):.4f} ({time.time() - started:.0f}s)')
    encoder.eval()
    return encoder, centre


def train_autoencoder(train, args, generator, gan_samples=None):
    """Reconstruction on natural images; corrupted images are pushed to reconstruct badly (Deep SAD's
    idea applied to reconstruction error), so the error reflects 'not natural', not only 'complex'."""
    autoencoder = networks.ConvAutoencoder()
    optimiser = torch.optim.Adam(autoencoder.parameters(), lr=1e-3, weight_decay=1e-6)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimiser, 2e-3, total_steps=args.epochs * math.ceil(len(train) / 256))
    for epoch in range(args.epochs):
        autoencoder.train()
        total, started = 0.0, time.time()
        for batch in batches(train, 256, generator):
            anomalies = anomaly_batch(batch, gan_samples, 64, generator, args.gan_share)
            both = torch.cat([batch, anomalies])
            errors = ((autoencoder(both) - both) ** 2).flatten(1).mean(1)
            normal_e, anomaly_e = errors[:len(batch)], errors[len(batch):]
            loss = normal_e.mean() + args.ae_eta * (1e-4 / (anomaly_e + 1e-4)).mean()
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
            total += float(normal_e.mean()) * len(batch)
        log(f'autoencoder epoch {epoch + 1}/{args.epochs} mse {total / len(train):.5f} ({time.time() - started:.0f}s)')
    autoencoder.eval()
    return autoencoder


def fit_log_logistic(raw_scores):
    """Calibration into [0, 1]: a logistic curve on log(raw score), placed so the 90th percentile of
    validation natural images maps to 0.5 and their 99th percentile to 0.9. Smooth, monotone, spreads the
    useful thresholds over the slider, and keeps the order of extreme scores."""
    logs = np.log(np.maximum(raw_scores, 1e-12))
    p90, p99 = np.quantile(logs, 0.90), np.quantile(logs, 0.99)
    return {'method': 'logistic-of-log', 'center': float(p90), 'scale': float((p99 - p90) / math.log(9)),
            'fittedOn': 'validation natural images: 90th percentile -> 0.5, 99th -> 0.9'}


def apply_calibration(raw_scores, calibration):
    logs = np.log(np.maximum(raw_scores, 1e-12))
    return 1.0 / (1.0 + np.exp(-(logs - calibration['center']) / calibration['scale']))


def export_onnx(module, path, output_names):
    example = torch.rand(2, 3, 128, 128)
    dynamic = {'image': {0: 'batch'}}
    dynamic.update({name: {0: 'batch'} for name in output_names})
    torch.onnx.export(module, example, path, input_names=['image'], output_names=list(output_names),
                      dynamic_axes=dynamic, opset_version=17, do_constant_folding=True)


def write_parity_fixtures(path, svdd, ae, val_parts):
    """A few 32x32 images (natural, flat, noise) and what PyTorch scores for them, upscaled x4 by nearest
    (exact under the area resample). tests/unit/onnx-parity.test.ts runs the exported ONNX on the same
    images and compares."""
    import base64
    generator = torch.Generator().manual_seed(7)
    images = torch.cat([val_parts['cifar'][:3], val_parts['photo_crops'][:2], torch.full((1, 3, 32, 32), 0.5),
                        torch.rand(1, 3, 32, 32, generator=generator)])
    images_u8 = (images * 255).round().clamp(0, 255).to(torch.uint8)
    images_128 = F.interpolate(images_u8.float() / 255, scale_factor=4, mode='nearest')
    with torch.no_grad():
        svdd_scores, _ = svdd(images_128)
        ae_scores, reconstruction, _ = ae(images_128)
    fixtures = {
        'note': 'uint8 NHWC 32x32 images (base64); input = nearest x4 upscale / 255; outputs from PyTorch',
        'count': len(images), 'size': 32,
        'pixels': base64.b64encode(images_u8.permute(0, 2, 3, 1).contiguous().numpy().tobytes()).decode(),
        'svdd': svdd_scores.tolist(), 'autoencoder': ae_scores.tolist(),
        'reconstructionFirstPixels': reconstruction[:, :, 0, :4].flatten(1).tolist(),
    }
    with open(path, 'w') as f:
        json.dump(fixtures, f)
        f.write('\n')


def file_facts(path):
    with open(path, 'rb') as f:
        content = f.read()
    return {'file': os.path.basename(path), 'bytes': len(content), 'sha256': hashlib.sha256(content).hexdigest()}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--epochs', type=int, default=int(os.environ.get('EPOCHS', 10)))
    parser.add_argument('--limit', type=int, default=None, help='use only the first N CIFAR images (smoke runs)')
    parser.add_argument('--eta', type=float, default=1.0, help='Deep SAD weight of the corrupted images')
    parser.add_argument('--ae-eta', type=float, default=1.0)
    parser.add_argument('--gan-steps', type=int, default=int(os.environ.get('GAN_STEPS', 2500)),
                        help='steps of the small DCGAN whose samples are Deep SAD anomalies (0: corruptions only)')
    parser.add_argument('--out', default=os.path.join(os.path.dirname(__file__), '..', 'public', 'models'))
    parser.add_argument('--seed', type=int, default=20261125)
    parser.add_argument('--gan-share', type=float, default=0.5, help='share of the Deep SAD anomalies taken from GAN samples')
    parser.add_argument('--from-checkpoint', default=None,
                        help='skip training: re-export scorers, calibration and thresholds from training/last_run.pt')
    args = parser.parse_args()
    torch.set_num_threads(2)
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    generator = torch.Generator().manual_seed(args.seed)
    started = time.time()

    train, val_parts = build_splits(args, rng)
    val = torch.cat(list(val_parts.values()))
    stats = networks.image_statistics(train)
    stat_mean, stat_std = stats.mean(0), stats.std(0)

    if args.from_checkpoint:
        # Re-export only (scoring, calibration, thresholds, ONNX) from the weights of an earlier full run.
        checkpoint = torch.load(args.from_checkpoint)
        encoder, autoencoder = networks.SvddEncoder(), networks.ConvAutoencoder()
        encoder.load_state_dict({k[len('encoder.'):]: v for k, v in checkpoint['svdd'].items() if k.startswith('encoder.')})
        autoencoder.load_state_dict({k[len('autoencoder.'):]: v for k, v in checkpoint['autoencoder'].items()
                                     if k.startswith('autoencoder.')})
        encoder.eval(), autoencoder.eval()
        centre = checkpoint['svdd']['centre']
        training_seconds = checkpoint.get('trainingSeconds')
        log(f'weights from {args.from_checkpoint}')
    else:
        gan_samples = None
        if args.gan_steps > 0:
            gan_samples = gan.train_gan(train, args.gan_steps, generator, samples_per_snapshot=2000, log=log)
        encoder, centre = train_svdd(train, args, generator, gan_samples)
        autoencoder = train_autoencoder(train, args, generator, gan_samples)
        training_seconds = round(time.time() - started)

    # Each score is a learned part plus the statistics' deviation, both divided by their validation medians.
    prior = networks.StatisticsPrior(stat_mean, stat_std)
    with torch.no_grad():
        embedding_val = ((evaluate_in_chunks(encoder, val) - centre) ** 2).sum(1)
        error_val = ((evaluate_in_chunks(autoencoder, val) - val) ** 2).flatten(1).mean(1)
        prior_val = prior(val)
    scales = {'embedding': float(embedding_val.median()), 'reconstruction': float(error_val.median()),
              'statistics': float(prior_val.median())}
    svdd = networks.SvddScorer(encoder, centre, prior, scales['embedding'], scales['statistics']).eval()
    ae = networks.AutoencoderScorer(autoencoder, prior, scales['reconstruction'], scales['statistics']).eval()

    upscale = lambda images_32: F.interpolate(images_32, scale_factor=4, mode='nearest')
    with torch.no_grad():
        raw_svdd = evaluate_in_chunks(lambda x: svdd(upscale(x))[0], val).numpy()
        raw_ae = evaluate_in_chunks(lambda x: ae(upscale(x))[0], val).numpy()
    calibration = {'svdd': fit_log_logistic(raw_svdd), 'autoencoder': fit_log_logistic(raw_ae)}
    weights = {'svdd': 0.5, 'autoencoder': 0.5}
    ensemble_val = (weights['svdd'] * apply_calibration(raw_svdd, calibration['svdd'])
                    + weights['autoencoder'] * apply_calibration(raw_ae, calibration['autoencoder']))
    presets = {name: {'threshold': round(float(np.quantile(ensemble_val, 1 - rate)), 4), 'falseAlarmRate': rate}
               for name, rate in PRESET_FALSE_ALARM.items()}

    os.makedirs(args.out, exist_ok=True)
    svdd_path, ae_path = os.path.join(args.out, 'svdd.onnx'), os.path.join(args.out, 'autoencoder.onnx')
    export_onnx(svdd, svdd_path, ['score', 'statistic_z'])
    export_onnx(ae, ae_path, ['score', 'reconstruction', 'error_map'])
    write_parity_fixtures(os.path.join(args.out, 'parity.json'), svdd, ae, val_parts)
    version = datetime.datetime.now(datetime.timezone.utc).strftime('%Y.%m.%d-%H%M%S')
    manifest = {
        'name': 'ensemble-deepfake-detector',
        'version': version,
        'input': {
            'name': 'image', 'dtype': 'float32', 'layout': 'NCHW', 'shape': [None, 3, 128, 128],
            'channelOrder': 'RGB', 'valueRange': [0, 1],
            'crop': 'centre-square', 'resize': 'area', 'alphaBackground': [255, 255, 255],
            'note': 'Centre square crop (side = min(w, h), offsets floored), exact area-average resample to '
                    '128x128, alpha composited on white, value / 255. Each graph area-averages 4x4 to 32x32 first.',
        },
        'models': {
            'svdd': {**file_facts(svdd_path), 'kind': 'deep-svdd', 'inputName': 'image', 'scoreOutput': 'score',
                     'statisticsOutput': 'statistic_z', 'statisticNames': list(networks.STAT_NAMES),
                     'outputs': ['score', 'statistic_z']},
            'autoencoder': {**file_facts(ae_path), 'kind': 'convolutional-autoencoder', 'inputName': 'image',
                            'scoreOutput': 'score', 'reconstructionOutput': 'reconstruction',
                            'errorMapOutput': 'error_map', 'outputs': ['score', 'reconstruction', 'error_map']},
        },
        'calibration': calibration,
        'ensemble': {'weights': weights},
        'thresholds': {'default': presets[DEFAULT_PRESET]['threshold'], 'defaultPreset': DEFAULT_PRESET,
                       'presets': presets,
                       'chosenOn': f'{len(val)} held-out natural training images (CIFAR-10/100, JPEG copies, photo crops)'},
        'training': {'epochs': args.epochs, 'seed': args.seed, 'seconds': training_seconds,
                     'reexportedFromCheckpoint': bool(args.from_checkpoint),
                     'trainImages': len(train), 'ganSteps': args.gan_steps, 'validationImages': len(val), 'scoreScales': scales, 'statistics': list(networks.STAT_NAMES),
                     'torch': torch.__version__},
        'metrics': None,
    }
    with open(os.path.join(args.out, 'manifest.json'), 'w') as f:
        json.dump(manifest, f, indent=2)
        f.write('\n')
    log(f'exported {svdd_path} ({manifest["models"]["svdd"]["bytes"]} B), {ae_path} '
        f'({manifest["models"]["autoencoder"]["bytes"]} B); presets {presets}; {time.time() - started:.0f}s')
    torch.save({'svdd': svdd.state_dict(), 'autoencoder': ae.state_dict(), 'scales': scales,
                'trainingSeconds': training_seconds},
               os.path.join(os.path.dirname(__file__), 'last_run.pt'))


if __name__ == '__main__':
    main()
