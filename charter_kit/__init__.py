"""charter-kit: a company's social-media charter from reusable modules."""

__version__ = "0.1.0"
