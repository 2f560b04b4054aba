"""Computes the expected values of the signing vectors with the vendors' own code.

Usage: python generate.py [--check] DIR

DIR holds one JSON file per case under tc3/, huawei/ and ocp/. Each file gives the request,
credentials and time; this script fills in (or, with --check, compares) `expected`:
the canonical request, the string to sign and the Authorization header.

- huawei: the official huaweicloudsdkcore Signer (the same steps as Signer.sign, with the
  intermediate strings kept), cross-checked against Signer.sign itself.
- tc3: the official tencentcloud-sdk-python-common AbstractClient._get_tc3_signature for the
  `content-type;host` variant (its string to sign is captured from Sign.sign_tc3, and the
  canonical request written here is checked against the hash inside it); the
  `content-type;host;x-tc-action` variant, which the Python SDK does not implement, follows
  the documented rule with the SDK's Sign.sign_tc3.
- ocp: no official SDK exists; a reference written here from the rule in VENDOR-NOTES.md.
"""

import base64
import copy
import datetime
import hashlib
import hmac
import json
import os
import sys
from urllib.parse import quote

GENERATORS = {}


def generator(scheme):
    def register(f):
        GENERATORS[scheme] = f
        return f

    return register


def body_bytes(req):
    return req.get("body", "").encode("utf-8")


@generator("huawei")
def huawei(case):
    from huaweicloudsdkcore.sdk_request import SdkRequest
    from huaweicloudsdkcore.signer.signer import Signer
    from huaweicloudsdkcore.auth.credentials import BasicCredentials

    req = case["request"]
    cred = case["credentials"]
    headers = {k: v for k, v in req.get("headers", [])}
    when = datetime.datetime.fromtimestamp(case["time"], datetime.timezone.utc)
    headers["X-Sdk-Date"] = when.strftime("%Y%m%dT%H%M%SZ")
    if cred.get("token"):
        # What Credentials.sign_request adds before signing.
        headers["X-Security-Token"] = cred["token"]

    def make():
        return SdkRequest(
            method=req["method"],
            schema="https",
            host=req["host"],
            resource_path=req["path"],
            query_params=[tuple(p) for p in req.get("query", [])],
            header_params=dict(headers),
            body=body_bytes(req),
        )

    creds = BasicCredentials(cred["id"], cred["secret"])
    signer = Signer(creds)
    r = make()
    signer._process_content_header(r)
    t = signer._process_header_time(r)
    signer._process_header_host(r)
    signed = signer._process_signed_headers(r)
    canonical = signer._process_canonical_request(r, signed)
    sts = signer._process_string_to_sign(canonical, t)
    signature = signer._sign_string_to_sign(sts, cred["secret"])
    auth = signer._process_auth_header_value(signature, cred["id"], signed)
    whole = Signer(creds).sign(make())
    assert whole.header_params["Authorization"] == auth, "the steps differ from Signer.sign"
    return {"canonical_request": canonical, "string_to_sign": sts, "authorization": auth}


@generator("tc3")
def tc3(case):
    from tencentcloud.common.abstract_client import AbstractClient
    from tencentcloud.common.sign import Sign

    req = case["request"]
    cred = case["credentials"]
    spec = case["tc3"]
    headers = {k.lower(): v for k, v in req.get("headers", [])}
    content_type = headers.get("content-type", "")
    host = req["host"]
    ts = case["time"]
    date = datetime.datetime.fromtimestamp(ts, datetime.timezone.utc).strftime("%Y-%m-%d")
    service = spec["service"]
    body = body_bytes(req)
    method = req["method"]
    query = req.get("query_string", "") if method == "GET" else ""
    payload = b"" if method == "GET" else body

    lines = "content-type:%s\nhost:%s\n" % (content_type, host)
    names = "content-type;host"
    if spec["signed_headers"] == "content-type;host;x-tc-action":
        lines += "x-tc-action:%s\n" % spec["action"].lower()
        names = spec["signed_headers"]
    canonical = "%s\n/\n%s\n%s\n%s\n%s" % (
        method, query, lines, names, hashlib.sha256(payload).hexdigest())
    digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    sts = "TC3-HMAC-SHA256\n%d\n%s/%s/tc3_request\n%s" % (ts, date, service, digest)
    signature = Sign.sign_tc3(cred["secret"], date, service, sts)

    if names == "content-type;host":
        # The official client computes it too: its string to sign must be ours.
        class FakeReq:
            pass

        fake = FakeReq()
        fake.method = method
        fake.uri = "/"
        fake.data = query if method == "GET" else body.decode("utf-8")
        fake.header = {"Content-Type": content_type, "Host": host, "X-TC-Timestamp": str(ts)}
        captured = {}
        original = Sign.sign_tc3

        def capture(secret_key, d, svc, str2sign):
            captured["sts"] = str2sign
            return original(secret_key, d, svc, str2sign)

        Sign.sign_tc3 = staticmethod(capture)
        try:
            client = AbstractClient.__new__(AbstractClient)
            official = AbstractClient._get_tc3_signature(
                client, {}, fake, date, service, cred["secret"])
        finally:
            Sign.sign_tc3 = original
        assert captured["sts"] == sts, "string to sign differs from the official client's"
        assert official == signature

    auth = "TC3-HMAC-SHA256 Credential=%s/%s/%s/tc3_request, SignedHeaders=%s, Signature=%s" % (
        cred["id"], date, service, names, signature)
    return {"canonical_request": canonical, "string_to_sign": sts, "authorization": auth}


def ocp_encode(s):
    # Every byte but the RFC 3986 unreserved characters is percent-encoded (quote never
    # encodes letters, digits and "_.-~").
    return quote(s, safe="~")


@generator("ocp")
def ocp(case):
    req = case["request"]
    cred = case["credentials"]
    body = body_bytes(req)
    md5 = hashlib.md5(body).hexdigest().upper() if body else ""
    headers = req.get("headers", [])
    content_type = next((v for k, v in headers if k.lower() == "content-type"), "")
    when = datetime.datetime.fromtimestamp(case["time"], datetime.timezone.utc)
    date = when.strftime("%a, %d %b %Y %H:%M:%S GMT")
    ocp_headers = [(k.lower(), v.strip()) for k, v in headers if k.lower().startswith("x-ocp-")]
    # Sorted by header name only (a stable sort keeps repeated names in order).
    ocp_headers.sort(key=lambda kv: kv[0])
    ocp_lines = "\n".join("%s:%s" % kv for kv in ocp_headers)
    query = sorted(tuple(p) for p in req.get("query", []))
    path = req["path"]
    if query:
        path += "?" + "&".join("%s=%s" % (ocp_encode(k), ocp_encode(v)) for k, v in query)
    sts = "\n".join([req["method"], md5, content_type, date, req["host"], ocp_lines, path])
    mac = hmac.new(cred["secret"].encode("utf-8"), sts.encode("utf-8"), hashlib.sha1).digest()
    auth = "OCP-ACCESS-KEY-HMACSHA1 %s:%s" % (cred["id"], base64.b64encode(mac).decode())
    return {"canonical_request": "", "string_to_sign": sts, "authorization": auth}


def main(argv):
    check = "--check" in argv
    args = [a for a in argv if a != "--check"]
    if len(args) != 1:
        print(__doc__)
        return 2
    root = args[0]
    stale, count = [], 0
    for scheme in sorted(GENERATORS):
        folder = os.path.join(root, scheme)
        for name in sorted(os.listdir(folder)):
            if not name.endswith(".json"):
                continue
            path = os.path.join(folder, name)
            with open(path, encoding="utf-8") as f:
                case = json.load(f)
            expected = GENERATORS[scheme](copy.deepcopy(case))
            count += 1
            if case.get("expected") != expected:
                stale.append("%s/%s" % (scheme, name))
                if not check:
                    case["expected"] = expected
                    with open(path, "w", encoding="utf-8") as f:
                        json.dump(case, f, indent=2, ensure_ascii=False)
                        f.write("\n")
    if check:
        for s in stale:
            print("stale vector: %s" % s)
        print("%d vectors, %d stale" % (count, len(stale)))
        return 1 if stale else 0
    print("%d vectors, %d written" % (count, len(stale)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
