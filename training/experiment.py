"""Design experiments only (not part of the shipped pipeline): trains with train.py's functions and prints
AUROC of candidate scores on the evaluation sets, to choose between designs. Thresholds and calibration are
never taken from here."""
import sys
import time
import numpy as np
import torch
import torch.nn.functional as F
import argparse

import data
import networks
import train as T


def auroc(normal, anomalous):
    scores = np.concatenate([normal, anomalous])
    ranks = scores.argsort().argsort() + 1
    n0, n1 = len(normal), len(anomalous)
    return (ranks[n0:].sum() - n1 * (n1 + 1) / 2) / (n0 * n1)


def to32(images):
    return T.to_tensor(np.stack([data.area_resize(data.centre_square(i), 32) for i in images]).astype(np.float32))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--epochs', type=int, default=4)
    parser.add_argument('--limit', type=int, default=None)
    parser.add_argument('--eta', type=float, default=1.0)
    parser.add_argument('--ae-eta', type=float, default=1.0)
    parser.add_argument('--seed', type=int, default=1)
    parser.add_argument('--save', default=None, help='where to keep the trained networks and scored sets for later analysis')
    parser.add_argument('--gan-cache', default=None, help='reuse (or store) the GAN samples here between experiments')
    parser.add_argument('--gan-steps', type=int, default=0)
    parser.add_argument('--gan-share', type=float, default=0.5)
    args = parser.parse_args()
    torch.set_num_threads(2)
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    gen = torch.Generator().manual_seed(args.seed)
    train, val_parts = T.build_splits(args, rng)
    val = torch.cat(list(val_parts.values()))
    cifar_test = T.to_tensor(data.load_set('cifar10_test', 3000)[0])
    sets = {
        'mnist': to32(data.load_set('mnist_test', 2000)[0]),
        'fmnist2k': to32(data.load_set('fashion_mnist_test_2k')[0]),
        'fake': T.to_tensor(data.load_set('fake_cifar_like')[0]),
    }
    fake_labels = data.load_set('fake_cifar_like')[1]
    vphotos = [data.load_photo(p) for p in data.photo_paths('val')]
    real_extra = {
        'photos_val': torch.cat([to32(vphotos), T.to_tensor(data.photo_crops(vphotos, 1000, rng, min_side=48))]),
        'cifar_jpeg75': T.to_tensor(data.jpeg_roundtrip(data.load_set('cifar10_test', 3000)[0], (75, 76), rng)),
    }
    stats = networks.image_statistics(train)
    smean, sstd = stats.mean(0), stats.std(0)
    t = time.time()
    gan_samples = None
    if args.gan_steps:
        import os, gan
        if args.gan_cache and os.path.exists(args.gan_cache):
            gan_samples = torch.load(args.gan_cache)
        else:
            gan_samples = gan.train_gan(train, args.gan_steps, gen, 2000, log=T.log)
            if args.gan_cache:
                torch.save(gan_samples, args.gan_cache)
    enc, centre = T.train_svdd(train, args, gen, gan_samples)
    ae = T.train_autoencoder(train, args, gen, gan_samples)
    print('train seconds', time.time() - t)
    if args.save:
        torch.save({'enc': enc, 'centre': centre, 'ae': ae, 'smean': smean, 'sstd': sstd, 'val': val, 'cifar_test': cifar_test,
                    'sets': sets, 'fake_labels': fake_labels, 'real_extra': real_extra, 'val_parts': val_parts}, args.save)

    def scores(x):
        with torch.no_grad():
            emb = ((T.evaluate_in_chunks(enc, x) - centre) ** 2).sum(1)
            st = (((networks.image_statistics(x) - smean) / sstd) ** 2).sum(1)
            rec = T.evaluate_in_chunks(ae, x)
            err = ((rec - x) ** 2).flatten(1).mean(1)
        return {'svdd_embed': emb.numpy(), 'stats': st.numpy(), 'ae_mse': err.numpy()}

    sv, sc = scores(val), scores(cifar_test)
    w = np.median(sv['svdd_embed']) / np.median(sv['stats'])
    def derived(s):
        s['svdd_combo'] = s['svdd_embed'] + w * s['stats']
        return s
    sv, sc = derived(sv), derived(sc)
    results = {name: derived(scores(x)) for name, x in {**sets, **real_extra}.items()}
    for key in sv:
        thr = np.quantile(sv[key], 0.98)
        row = [f'{key:12s}'] + [f'{n}={auroc(sc[key], results[n][key]):.4f}' for n in sets]
        row += [f'gen{g}={auroc(sc[key], results["fake"][key][fake_labels == g]):.2f}' for g in range(10)]
        row += [f'FA_{n}={np.mean(results[n][key] > thr):.3f}' for n in real_extra] + [f'FA_cifar={np.mean(sc[key] > thr):.3f}']
        print(' '.join(row))
    # calibrated ensembles
    for ae_key in ('ae_mse',):
        for sv_key in ('svdd_combo', 'svdd_embed'):
            cal = {k: T.fit_log_logistic(sv[k]) for k in (ae_key, sv_key)}
            ens = lambda s: 0.5 * T.apply_calibration(s[sv_key], cal[sv_key]) + 0.5 * T.apply_calibration(s[ae_key], cal[ae_key])
            thr = np.quantile(ens(sv), 0.98)
            row = [f'ENS {sv_key}+{ae_key}'] + [f'{n}={auroc(ens(sc), ens(results[n])):.4f}' for n in sets]
            row += [f'FA_{n}={np.mean(ens(results[n]) > thr):.3f}' for n in real_extra]
            print(' '.join(row))


if __name__ == '__main__':
    main()
