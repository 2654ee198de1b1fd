"""newsarchive: a French-aware search engine over news archives."""

__version__ = "0.1.0"
