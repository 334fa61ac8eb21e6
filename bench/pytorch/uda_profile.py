"""The improved UDA's fine-tuning step in PyTorch, as `adversa-bench uda-profile 3` runs it in TorchSharp: ResNet18
layer2-layer4 (blocks 2, 2, 3 like the ONNX ResNet18, batch norm in eval mode) from a 64x8x8 bottom (a 32x32 image),
the 800-d head and the class head, batch 256, cross-entropy, Adam; plus single 512-channel convolutions.
Steps alternate between full 3x3 kernels and kernels cropped to the taps that touch a 1x1 output (what Adversa's
SmallMapConv does), so both see the same machine load.
Usage: /usr/bin/python3 bench/pytorch/uda_profile.py [threads]   (Debian: python3-torch)."""
import sys, time
import torch
import torch.nn as nn
import torch.nn.functional as F

threads = int(sys.argv[1]) if len(sys.argv) > 1 else 1
torch.set_num_threads(threads)
torch.manual_seed(1)
CROP = [False]


def conv3x3(conv, x, stride):
    h, w = x.shape[2], x.shape[3]
    if CROP[0] and h <= 2 and w <= 2 and (h - 1) // stride + 1 == 1 and (w - 1) // stride + 1 == 1:
        return F.conv2d(x, conv.weight[:, :, 1:1 + h, 1:1 + w])
    return conv(x)


class Block(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.stride = stride
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.down = None if stride == 1 and cin == cout else nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        y = F.relu(self.bn1(conv3x3(self.conv1, x, self.stride)))
        y = self.bn2(conv3x3(self.conv2, y, 1))
        return F.relu(y + (x if self.down is None else self.down(x)))


def stage(cin, cout, blocks):
    return nn.Sequential(Block(cin, cout, 2), *[Block(cout, cout, 1) for _ in range(blocks - 1)])


backbone = nn.Sequential(stage(64, 128, 2), stage(128, 256, 2), stage(256, 512, 3)).eval()
head = nn.Sequential(nn.Conv2d(512, 128, 1), nn.BatchNorm2d(128), nn.ReLU(), nn.Upsample(size=(4, 4), mode="bilinear", align_corners=False),
                     nn.Conv2d(128, 50, 3, 1, 1), nn.BatchNorm2d(50), nn.LeakyReLU(0.2), nn.Flatten(),
                     nn.Linear(800, 100), nn.BatchNorm1d(100), nn.ReLU(), nn.Dropout(0.5),
                     nn.Linear(100, 100), nn.BatchNorm1d(100), nn.ReLU(), nn.Linear(100, 10))
params = list(backbone.parameters()) + list(head.parameters())
opt = torch.optim.Adam(params, 1e-4)
bottom = torch.randn(256, 64, 8, 8)
y = torch.randint(0, 10, (256,))
f, b, o = [0.0, 0.0], [0.0, 0.0], [0.0, 0.0]
for s in range(12):
    crop = s % 2
    CROP[0] = crop == 1
    opt.zero_grad()
    t0 = time.perf_counter()
    loss = F.cross_entropy(head(backbone(bottom)), y)
    t1 = time.perf_counter()
    loss.backward()
    t2 = time.perf_counter()
    opt.step()
    t3 = time.perf_counter()
    if s >= 4:
        f[crop] += t1 - t0; b[crop] += t2 - t1; o[crop] += t3 - t2
CROP[0] = False

for hw, k in [(1, 3), (2, 3), (4, 3), (1, 1)]:
    conv = nn.Conv2d(512, 512, k, 1, k // 2, bias=False)
    x = torch.randn(256, 512, hw, hw)
    t = time.perf_counter()
    for _ in range(3):
        conv(x).sum().backward()
    fb = (time.perf_counter() - t) / 3
    t = time.perf_counter()
    with torch.no_grad():
        for _ in range(3):
            conv(x)
    fw = (time.perf_counter() - t) / 3
    line = f"conv {k}x{k} 512->512 on {hw}x{hw}, batch 256: forward {fw * 1000:.0f} ms, forward+backward {fb * 1000:.0f} ms"
    if k == 3 and hw == 1:
        CROP[0] = True
        t = time.perf_counter()
        for _ in range(3):
            conv3x3(conv, x, 1).sum().backward()
        line += f", cropped to its centre tap {(time.perf_counter() - t) / 3 * 1000:.0f} ms"
        CROP[0] = False
    print(line)
for crop, name in [(0, "full 3x3 kernels"), (1, "cropped on 1x1 outputs")]:
    print(f"top 3, {name}: forward {f[crop] / 4 * 1000:.0f} ms, backward {b[crop] / 4 * 1000:.0f} ms, optimizer {o[crop] / 4 * 1000:.0f} ms "
          f"(PyTorch {torch.__version__}, {threads} thread(s), batch 256, bottom 256x64x8x8)")
