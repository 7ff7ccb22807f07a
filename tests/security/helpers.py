"""Second-factor helpers for the security tests: a user's TOTP device and its current code;
a software passkey that answers the WebAuthn ceremonies through HTTP."""

import base64
import hashlib
import json
import os
from urllib.parse import urlencode

import cbor2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice


def enrol(user, *, recovery: tuple[str, ...] = ("recover01", "recover02")) -> TOTPDevice:
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    static = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    for code in recovery:
        StaticToken.objects.create(device=static, token=code)
    return device


def code(device: TOTPDevice) -> str:
    """The code the app shows now (a fresh one: the device forgets the last one it took)."""
    device.refresh_from_db()
    device.last_t = -1
    device.throttling_failure_count = 0  # django-otp slows down guesses after a failure
    device.throttling_failure_timestamp = None
    device.save(update_fields=["last_t", "throttling_failure_count", "throttling_failure_timestamp"])
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):0{device.digits}d}"


def sign_in_with_factor(client, user, device: TOTPDevice) -> None:
    """Sign in (the password part done by force_login) and give the second factor."""
    client.force_login(user)
    response = client.post("/accounts/two-step/verify/", {"token": code(device)})
    assert response.status_code == 302, response.content[:500]


class SoftPasskey:
    """A software authenticator (an EC P-256 key, "none" attestation) that answers the
    passkey ceremonies through HTTP as a browser would, for ``origin`` and ``rp_id``."""

    def __init__(self, *, origin: str = "http://localhost:8000", rp_id: str = "localhost"):
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = os.urandom(16)
        self.origin, self.rp_id, self.count = origin, rp_id, 0

    @staticmethod
    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    def _client_data(self, kind: str, challenge: str) -> bytes:
        return json.dumps({"type": kind, "challenge": challenge, "origin": self.origin, "crossOrigin": False}).encode()

    def _auth_data(self, flags: int, attested: bytes = b"") -> bytes:
        self.count += 1
        return hashlib.sha256(self.rp_id.encode()).digest() + bytes([flags]) + self.count.to_bytes(4, "big") + attested

    def registration(self, options: dict) -> dict:
        """The browser's answer to ``navigator.credentials.create`` with ``options``."""
        numbers = self.key.public_key().public_numbers()
        cose = cbor2.dumps({1: 2, 3: -7, -1: 1, -2: numbers.x.to_bytes(32, "big"), -3: numbers.y.to_bytes(32, "big")})
        attested = bytes(16) + len(self.credential_id).to_bytes(2, "big") + self.credential_id + cose
        auth_data = self._auth_data(0x45, attested)  # user present, verified, attested credential
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
        return {
            "id": self.b64(self.credential_id),
            "rawId": self.b64(self.credential_id),
            "type": "public-key",
            "response": {
                "clientDataJSON": self.b64(self._client_data("webauthn.create", options["challenge"])),
                "attestationObject": self.b64(attestation),
                "transports": ["internal"],
            },
            "clientExtensionResults": {},
        }

    def assertion(self, options: dict) -> dict:
        """The browser's answer to ``navigator.credentials.get`` with ``options``."""
        client_data = self._client_data("webauthn.get", options["challenge"])
        auth_data = self._auth_data(0x05)
        signature = self.key.sign(auth_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256()))
        return {
            "id": self.b64(self.credential_id),
            "rawId": self.b64(self.credential_id),
            "type": "public-key",
            "response": {
                "clientDataJSON": self.b64(client_data),
                "authenticatorData": self.b64(auth_data),
                "signature": self.b64(signature),
            },
            "clientExtensionResults": {},
        }


def post_json(client, name: str, body: dict | None = None, **query):
    url = reverse(name) + (f"?{urlencode(query)}" if query else "")
    return client.post(url, json.dumps(body or {}), content_type="application/json")


def add_passkey(client, passkey: "SoftPasskey"):
    """Add ``passkey`` for the client's user (signed in, factor recently given)."""
    options = post_json(client, "passkey_register_begin")
    assert options.status_code == 200, options.content
    done = post_json(client, "passkey_register_complete", passkey.registration(options.json()))
    assert done.status_code == 200, done.content
    return done.json()["id"]


def verify_with_passkey(client, passkey: "SoftPasskey", **query):
    options = post_json(client, "passkey_auth_begin")
    assert options.status_code == 200, options.content
    return post_json(client, "passkey_auth_complete", passkey.assertion(options.json()), **query)
