"""The same DCGAN and DANN training steps as `adversa-bench gan-raw` / `dann-raw`, in PyTorch, to compare
speed on one machine. Usage: python3 bench/pytorch/steps.py [threads]   (needs torch; Debian: python3-torch)."""
import sys, time
import torch
import torch.nn as nn
import torch.nn.functional as F

threads = int(sys.argv[1]) if len(sys.argv) > 1 else 2
torch.set_num_threads(threads)
torch.manual_seed(1)


def dcgan(ngf=64, ndf=64, nz=100):
    g = nn.Sequential(
        nn.ConvTranspose2d(nz, ngf * 8, 4, 1, 0, bias=False), nn.BatchNorm2d(ngf * 8), nn.ReLU(True),
        nn.ConvTranspose2d(ngf * 8, ngf * 4, 4, 2, 1, bias=False), nn.BatchNorm2d(ngf * 4), nn.ReLU(True),
        nn.ConvTranspose2d(ngf * 4, ngf * 2, 4, 2, 1, bias=False), nn.BatchNorm2d(ngf * 2), nn.ReLU(True),
        nn.ConvTranspose2d(ngf * 2, ngf, 4, 2, 1, bias=False), nn.BatchNorm2d(ngf), nn.ReLU(True),
        nn.ConvTranspose2d(ngf, 3, 4, 2, 1, bias=False), nn.Tanh())
    d = nn.Sequential(
        nn.Conv2d(3, ndf, 4, 2, 1, bias=False), nn.LeakyReLU(0.2, True),
        nn.Conv2d(ndf, ndf * 2, 4, 2, 1, bias=False), nn.BatchNorm2d(ndf * 2), nn.LeakyReLU(0.2, True),
        nn.Conv2d(ndf * 2, ndf * 4, 4, 2, 1, bias=False), nn.BatchNorm2d(ndf * 4), nn.LeakyReLU(0.2, True),
        nn.Conv2d(ndf * 4, ndf * 8, 4, 2, 1, bias=False), nn.BatchNorm2d(ndf * 8), nn.LeakyReLU(0.2, True),
        nn.Conv2d(ndf * 8, 1, 4, 1, 0, bias=False))
    return g, d


def time_steps(step, steps, warmup=3):
    for _ in range(warmup):
        step()
    t = time.perf_counter()
    for _ in range(steps):
        step()
    return (time.perf_counter() - t) / steps


def gan_step_fn(batch):
    g, d = dcgan()
    og = torch.optim.Adam(g.parameters(), 2e-4, betas=(0.5, 0.999))
    od = torch.optim.Adam(d.parameters(), 2e-4, betas=(0.5, 0.999))
    real = torch.rand(batch, 3, 64, 64) * 2 - 1
    ones, zeros = torch.ones(batch), torch.zeros(batch)

    def step():
        od.zero_grad()
        fake = g(torch.randn(batch, 100, 1, 1))
        loss_d = F.binary_cross_entropy_with_logits(d(real).view(-1), ones) + \
            F.binary_cross_entropy_with_logits(d(fake.detach()).view(-1), zeros)
        loss_d.backward()
        od.step()
        og.zero_grad()
        F.binary_cross_entropy_with_logits(d(fake).view(-1), ones).backward()
        og.step()
    return step


class Grl(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, lam):
        ctx.lam = lam
        return x.view_as(x)

    @staticmethod
    def backward(ctx, g):
        return -ctx.lam * g, None


def dann_step_fn(batch, width=32):
    features = nn.Sequential(
        nn.Conv2d(3, width, 5, 1, 2), nn.BatchNorm2d(width), nn.LeakyReLU(0.2), nn.MaxPool2d(2),
        nn.Conv2d(width, 2 * width, 5, 2, 2), nn.BatchNorm2d(2 * width), nn.LeakyReLU(0.2),
        nn.Conv2d(2 * width, 50, 3, 2, 1), nn.BatchNorm2d(50), nn.LeakyReLU(0.2), nn.Flatten())
    classifier = nn.Sequential(nn.Linear(800, 100), nn.BatchNorm1d(100), nn.ReLU(), nn.Dropout(0.5),
                               nn.Linear(100, 100), nn.BatchNorm1d(100), nn.ReLU(), nn.Linear(100, 10))
    domain = nn.Sequential(nn.Linear(800, 100), nn.BatchNorm1d(100), nn.ReLU(), nn.Linear(100, 2))
    params = list(features.parameters()) + list(classifier.parameters()) + list(domain.parameters())
    opt = torch.optim.Adam(params, 1e-3)
    xs, xt = torch.rand(batch, 3, 32, 32) * 2 - 1, torch.rand(batch, 3, 32, 32) * 2 - 1
    ys = torch.randint(0, 10, (batch,))
    dl = torch.cat([torch.zeros(batch, dtype=torch.long), torch.ones(batch, dtype=torch.long)])

    def step():
        opt.zero_grad()
        latent = features(torch.cat([xs, xt]))
        loss = F.cross_entropy(classifier(latent[:batch]), ys) + F.cross_entropy(domain(Grl.apply(latent, 0.3)), dl)
        loss.backward()
        opt.step()
    return step


for batch in (64, 128):
    per = time_steps(gan_step_fn(batch), 10)
    print(f"pytorch {torch.__version__} DCGAN step batch {batch}, {threads} threads: {per * 1000:.0f} ms/step, {batch / per:.1f} images/s")
per = time_steps(dann_step_fn(128), 30)
print(f"pytorch {torch.__version__} DANN step 128+128 (32x32), {threads} threads: {per * 1000:.0f} ms/step, {256 / per:.0f} images/s")
