"""A small DCGAN trained here on the natural training images (upsampling + convolution generator). Its samples
are a self-made source of generated pictures that training leaves out: train.py only measures them, as an
unseen generator (manifest training.validation.ownDcganUnseenAuroc)."""
import time

import torch
import torch.nn as nn

LATENT = 64


class Generator(nn.Module):
    def __init__(self, width=32):
        super().__init__()
        self.project = nn.Sequential(nn.Linear(LATENT, width * 4 * 4 * 4), nn.BatchNorm1d(width * 4 * 4 * 4), nn.ReLU())
        self.width = width
        self.upsample = nn.Sequential(
            nn.Upsample(scale_factor=2.0), nn.Conv2d(width * 4, width * 2, 3, 1, 1), nn.BatchNorm2d(width * 2), nn.ReLU(),
            nn.Upsample(scale_factor=2.0), nn.Conv2d(width * 2, width, 3, 1, 1), nn.BatchNorm2d(width), nn.ReLU(),
            nn.Upsample(scale_factor=2.0), nn.Conv2d(width, 3, 3, 1, 1), nn.Sigmoid())

    def forward(self, latent):
        return self.upsample(self.project(latent).view(-1, self.width * 4, 4, 4))


class Discriminator(nn.Module):
    def __init__(self, width=32):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(3, width, 4, 2, 1), nn.LeakyReLU(0.2),
            nn.Conv2d(width, width * 2, 4, 2, 1), nn.BatchNorm2d(width * 2), nn.LeakyReLU(0.2),
            nn.Conv2d(width * 2, width * 4, 4, 2, 1), nn.BatchNorm2d(width * 4), nn.LeakyReLU(0.2),
            nn.Flatten(), nn.Linear(width * 4 * 4 * 4, 1))

    def forward(self, images):
        return self.net(images * 2 - 1).squeeze(1)


def train_gan(images, steps, generator_rng, samples_per_snapshot, snapshots=4, log=print):
    """Trains for `steps` and returns samples drawn at `snapshots` evenly spaced points (early ones are crude,
    late ones close to natural), as one float tensor [snapshots * samples_per_snapshot, 3, 32, 32]."""
    gen, disc = Generator(), Discriminator()
    opt_g = torch.optim.Adam(gen.parameters(), 2e-4, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(disc.parameters(), 2e-4, betas=(0.5, 0.999))
    loss = nn.BCEWithLogitsLoss()
    samples, started = [], time.time()
    snapshot_steps = {int(steps * (k + 1) / snapshots) for k in range(snapshots)}
    for step in range(1, steps + 1):
        real = images[torch.randint(0, len(images), (128,), generator=generator_rng)]
        fake = gen(torch.randn(128, LATENT, generator=generator_rng))
        d_loss = loss(disc(real), torch.full((128,), 0.9)) + loss(disc(fake.detach()), torch.zeros(128))
        opt_d.zero_grad()
        d_loss.backward()
        opt_d.step()
        g_loss = loss(disc(fake), torch.ones(128))
        opt_g.zero_grad()
        g_loss.backward()
        opt_g.step()
        if step in snapshot_steps:
            gen.eval()
            with torch.no_grad():
                samples.append(gen(torch.randn(samples_per_snapshot, LATENT, generator=generator_rng)))
            gen.train()
            log(f'gan step {step}/{steps} d {float(d_loss):.3f} g {float(g_loss):.3f} ({time.time() - started:.0f}s)')
    return torch.cat(samples)
