"""Self-made fakes for the whole-image view, after AutoGAN (Zhang, Karaman, Chang 2019): small autoencoders whose
decoders upsample the way GAN generators do (stride-2 transposed convolution as in DCGAN / WGAN / SNGAN-CNN,
nearest or bilinear upsampling + convolution as in the ResNet generators) learn to reconstruct lossless natural
images at 32 px. Their reconstructions keep the real picture's content and carry the upsampling's traces, so a
pair (real, reconstruction) teaches the traces rather than the subject. Both sides are lossless, and train.py
JPEG-encodes the same share of each, so losslessness is no shortcut either way."""
import time

import torch
import torch.nn as nn

KINDS = ('transposed', 'nearest', 'bilinear')


def simulator(kind, width=64):
    """Encoder down to 8x8 (stride-2 4x4 convolutions, as a DCGAN discriminator), decoder back up with `kind`."""
    def upsample(channels_in, channels_out):
        if kind == 'transposed':
            return [nn.ConvTranspose2d(channels_in, channels_out, 4, 2, 1)]
        return [nn.Upsample(scale_factor=2.0, mode=kind), nn.Conv2d(channels_in, channels_out, 3, 1, 1)]
    encoder = nn.Sequential(
        nn.Conv2d(3, width, 3, 1, 1), nn.LeakyReLU(0.2),
        nn.Conv2d(width, width * 2, 4, 2, 1), nn.BatchNorm2d(width * 2), nn.LeakyReLU(0.2),
        nn.Conv2d(width * 2, width * 2, 4, 2, 1), nn.BatchNorm2d(width * 2), nn.LeakyReLU(0.2))
    decoder = nn.Sequential(
        *upsample(width * 2, width * 2), nn.BatchNorm2d(width * 2), nn.ReLU(),
        *upsample(width * 2, width), nn.BatchNorm2d(width), nn.ReLU(),
        nn.Conv2d(width, 3, 3, 1, 1), nn.Sigmoid())
    return nn.Sequential(encoder, decoder)


def simulated_fakes(images, steps, generator, log=print):
    """Trains one simulator per kind on `images` (float [N, 3, 32, 32], lossless) for `steps` steps, then passes
    an equal, disjoint share of `images` through each: float [N', 3, 32, 32] reconstructions (N' = N rounded down
    to a multiple of the number of kinds)."""
    share = len(images) // len(KINDS)
    out = []
    for index, kind in enumerate(KINDS):
        model, started = simulator(kind), time.time()
        optimiser = torch.optim.Adam(model.parameters(), 2e-3)
        model.train()
        for _ in range(steps):
            batch = images[torch.randint(0, len(images), (64,), generator=generator)]
            loss = ((model(batch) - batch) ** 2).mean()
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
        model.eval()
        with torch.no_grad():
            part = images[index * share:(index + 1) * share]
            out.append(torch.cat([model(part[i:i + 512]) for i in range(0, len(part), 512)]))
        log(f'simulator {kind}: {steps} steps, reconstruction mse {float(((out[-1] - part) ** 2).mean()):.5f} '
            f'({time.time() - started:.0f}s)')
    return torch.cat(out)
