"""A variational autoencoder for MNIST, written for Activation Lens's corpus in the shape of a
typical single-file training script: argparse, a data download and the training loop all run at
module level (the model check must run none of them)."""
import argparse

import torch
import torch.nn.functional as F
from torch import nn, optim
from torchvision import datasets, transforms

parser = argparse.ArgumentParser(description="VAE on MNIST")
parser.add_argument("--batch-size", type=int, default=128)
parser.add_argument("--epochs", type=int, default=10)
parser.add_argument("--latent", type=int, default=20)
args = parser.parse_args()

torch.manual_seed(1)
train_loader = torch.utils.data.DataLoader(
    datasets.MNIST("../data", train=True, download=True, transform=transforms.ToTensor()),
    batch_size=args.batch_size,
    shuffle=True,
)

IMAGE = 784
HIDDEN = 400


class VAE(nn.Module):
    def __init__(self, latent=20):
        super().__init__()
        self.enc = nn.Linear(IMAGE, HIDDEN)
        self.mu = nn.Linear(HIDDEN, latent)
        self.logvar = nn.Linear(HIDDEN, latent)
        self.dec1 = nn.Linear(latent, HIDDEN)
        self.dec2 = nn.Linear(HIDDEN, IMAGE)

    def encode(self, x):
        h = F.relu(self.enc(x))
        return self.mu(h), self.logvar(h)

    def reparameterize(self, mu, logvar):
        std = torch.exp(0.5 * logvar)
        return mu + torch.randn_like(std) * std

    def decode(self, z):
        return torch.sigmoid(self.dec2(F.relu(self.dec1(z))))

    def forward(self, x):
        mu, logvar = self.encode(x.view(-1, IMAGE))
        z = self.reparameterize(mu, logvar)
        return self.decode(z), mu, logvar


def loss_function(recon, x, mu, logvar):
    bce = F.binary_cross_entropy(recon, x.view(-1, IMAGE), reduction="sum")
    kld = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
    return bce + kld


model = VAE(args.latent)
optimizer = optim.Adam(model.parameters(), lr=1e-3)
for epoch in range(1, args.epochs + 1):
    model.train()
    for data, _ in train_loader:
        optimizer.zero_grad()
        recon, mu, logvar = model(data)
        loss = loss_function(recon, data, mu, logvar)
        loss.backward()
        optimizer.step()
    torch.save(model.state_dict(), "vae.pt")
