"""A test certificate authority and an RFC 3161 timestamp authority on 127.0.0.1, for the signing tests.

The authority answers ``application/timestamp-query`` POSTs with pyhanko's DummyTimeStamper, signed by
a TSA certificate (extended key usage timeStamping) issued by a test root; tests trust that root.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


@dataclass
class LocalTSA:
    """A running timestamp authority: its address, its root certificate (PEM) and how many it stamped."""

    url: str
    root_pem: bytes
    server: ThreadingHTTPServer
    count: int = 0

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn), x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Tests")])


def _cert(subject, issuer, key, signer, *, ca: bool, eku=None) -> x509.Certificate:
    now = dt.datetime.now(dt.timezone.utc)
    builder = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer).public_key(key.public_key())
               .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
               .not_valid_after(now + dt.timedelta(days=30))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
               .add_extension(x509.KeyUsage(digital_signature=not ca, content_commitment=not ca, key_encipherment=False,
                                            data_encipherment=False, key_agreement=False, key_cert_sign=ca,
                                            crl_sign=ca, encipher_only=False, decipher_only=False), critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False))
    if eku:
        builder = builder.add_extension(x509.ExtendedKeyUsage(eku), critical=True)
    return builder.sign(signer, hashes.SHA256())


def start_tsa() -> LocalTSA:
    """Start a timestamp authority on 127.0.0.1 (a free port) in a thread."""
    from asn1crypto import keys as asn1_keys
    from asn1crypto import tsp
    from asn1crypto import x509 as asn1_x509
    from pyhanko.sign.timestamps import DummyTimeStamper

    root_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    root = _cert(_name("Test root CA"), _name("Test root CA"), root_key, root_key, ca=True)
    tsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    tsa = _cert(_name("Test TSA"), root.subject, tsa_key, root_key, ca=False, eku=[ExtendedKeyUsageOID.TIME_STAMPING])
    stamper = DummyTimeStamper(
        tsa_cert=asn1_x509.Certificate.load(tsa.public_bytes(serialization.Encoding.DER)),
        tsa_key=asn1_keys.PrivateKeyInfo.load(tsa_key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())),
        certs_to_embed=None)
    state: dict = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's name)
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            answer = stamper.request_tsa_response(tsp.TimeStampReq.load(body)).dump()
            state["tsa"].count += 1
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args):  # quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    local = LocalTSA(f"http://127.0.0.1:{server.server_address[1]}/", root.public_bytes(serialization.Encoding.PEM), server)
    state["tsa"] = local
    return local


def write_config(keys: Path, tsa: LocalTSA) -> None:
    """keys/config.yml naming the authority, and its root beside it."""
    (keys / "tsa-root.pem").write_bytes(tsa.root_pem)
    (keys / "config.yml").write_text(f"tsa_url: {tsa.url}\ntsa_roots: [tsa-root.pem]\n", encoding="utf-8")
