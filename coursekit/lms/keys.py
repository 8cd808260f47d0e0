"""The tool's RSA key: the private key that signs its assertions, and the public key set platforms check them with."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from coursekit.lms.config import LmsError


def _b64(number: int) -> str:
    data = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def load_private_key(path: Path) -> rsa.RSAPrivateKey:
    """The tool's RSA private key (PEM, unencrypted) from ``path``."""
    try:
        key = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
    except FileNotFoundError:
        raise LmsError(f"{path}: no such file (the tool's private key, PEM)") from None
    except (ValueError, TypeError) as exc:
        raise LmsError(f"{path}: not an unencrypted PEM private key ({exc})") from None
    if not isinstance(key, rsa.RSAPrivateKey):
        raise LmsError(f"{path}: not an RSA key (LTI 1.3 signs with RS256)")
    return key


def public_jwk(key: rsa.RSAPrivateKey) -> dict[str, Any]:
    """The public half of ``key`` as a JWK, its ``kid`` the RFC 7638 thumbprint."""
    numbers = key.public_key().public_numbers()
    core = {"e": _b64(numbers.e), "kty": "RSA", "n": _b64(numbers.n)}
    thumb = hashlib.sha256(json.dumps(core, separators=(",", ":"), sort_keys=True).encode()).digest()
    kid = base64.urlsafe_b64encode(thumb).rstrip(b"=").decode("ascii")
    return {**core, "kid": kid, "alg": "RS256", "use": "sig"}


def public_jwks(key: rsa.RSAPrivateKey) -> dict[str, list[dict[str, Any]]]:
    """The tool's public key set (what the platform's "public keyset" field or URL gives)."""
    return {"keys": [public_jwk(key)]}


def new_private_key_pem() -> bytes:
    """A new 2048-bit RSA private key, PEM (PKCS 8, unencrypted)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())
