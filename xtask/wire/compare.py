"""Compares what the project's clients put on the wire with what the vendors' official Python
clients send for the same operations and inputs.

Usage: python compare.py XTASK_BINARY

A capture server on 127.0.0.1 records every request and answers each with its documented
answer. The official clients (CynosDB PauseServerless and DescribeServerlessStrategy through the
typed client, every other CynosDB action with a fixture through CommonClient with its
documented request body, every DBSS and TaurusDB operation through the typed DbssClient and
GaussDBClient with its fixture's inputs and body) and then the project's (`XTASK_BINARY wire-client URL`) send to it. For each operation the two requests are
compared: method, path, query, body as JSON, the headers each sends and the headers each signs;
a bodyless POST must carry `Content-Length: 0`; and the signature of the project's request is
recomputed, as the server received it, with the official signer. Differences kept on purpose
are listed in EXPECTED with the reason. Exits 1 on any other difference.
"""

import datetime
import hashlib
import importlib
import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

TC_ID = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE"
TC_KEY = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE"
HW_AK = "QTWAOYTTINDUT2QVKYUC"
HW_SK = "MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc"
HW_PROJECT = "619d3e78f61b4be68bc5aa0b59edcf7b"
CLUSTER = "cynosdbmysql-8vcxoq75"

# Header differences kept on purpose: (operation or "*", header, what differs) -> reason.
EXPECTED = {
    ("*", "user-agent", "value"): "each client names itself",
    ("*", "accept-encoding", "sent"): "python-requests offers gzip and deflate; the project's transport reads bodies as sent, so a proxy cannot inflate one past the body cap",
    ("*", "connection", "sent"): "python-requests says keep-alive; HTTP/1.1 keeps connections alive without it",
    ("*", "content-length", "value"): "the project writes compact JSON (the bodies are equal as JSON)",
    ("*", "x-sdk-date", "value"): "the signing time",
    ("*", "x-tc-timestamp", "value"): "the signing time",
    ("*", "authorization", "value"): "signed at another time (the project's signature is recomputed with the official signer below)",
    ("*", "user-agent", "signed"): "the official Huawei client signs its User-Agent; the project's transport sets its own and does not sign it (the gateway checks the headers the request names)",
    ("DELETE", "content-length", "sent"): "a bodyless DELETE: python-requests writes Content-Length: 0, the project sends neither a body nor a length (HTTP allows both, and neither is signed)",
    ("tc", "x-tc-requestclient", "sent"): "the official client names itself in the optional X-TC-RequestClient; the project names itself in its User-Agent only",
    ("tc", "x-tc-language", "sent"): "the official client sends its default zh-CN; the project sends X-TC-Language only when a language is chosen, and the API's default is the same",
    ("tc", "x-tc-traceid", "sent"): "a per-request trace id the official client adds for its own logs; the API does not need it",
    ("huaweicloud/UploadImportExcelTemplate", "content-type", "value"): "each client picks its own multipart boundary (the official one a random UUID, the project's derived from the parts); the parts themselves are compared, in name order",
    ("huaweicloud/CreateBackupResourcePackage", "content-type", "value"): "the official client declares charset=utf-8; the project sends application/json, as the API page documents, and both sign what they send",
}

RESPONSES = {
    "PauseServerless": (200, {"Response": {"FlowId": 1008306, "RequestId": "wire-request"}}),
    "DescribeServerlessStrategy": (200, {"Response": {
        "AutoPauseDelay": 300, "AutoScaleUpDelay": 30, "AutoScaleDownDelay": 60,
        "AutoPause": "yes", "RequestId": "wire-request"}}),
}

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
TC_FIXTURES = os.path.join(ROOT, "fixtures", "tencentcloud")
# Sent through the typed official client; every other CynosDB action goes through the official
# CommonClient with its documented request body.
TC_TYPED = ("PauseServerless", "DescribeServerlessStrategy")


def tencent_fixtures():
    """Every CynosDB action with a fixture: name -> (documented body, documented answer, meta)."""
    out = {}
    for name in sorted(os.listdir(TC_FIXTURES)):
        d = os.path.join(TC_FIXTURES, name)
        with open(os.path.join(d, "meta.json"), encoding="utf-8") as f:
            meta = json.load(f)
        with open(os.path.join(d, meta["request"]), encoding="utf-8") as f:
            body = json.load(f)
        with open(os.path.join(d, meta["response"]["file"]), "rb") as f:
            answer = f.read()
        out[name] = (body, answer, meta)
    return out


TC_ACTIONS = tencent_fixtures()
for _name, (_body, _answer, _meta) in TC_ACTIONS.items():
    if _name not in RESPONSES:
        RESPONSES[_name] = (200, json.loads(_answer.decode("utf-8")))


def huawei_operations():
    """Every DBSS and TaurusDB operation of the models, in name order: name -> (SDK module,
    client class, client method, model entry, fixture meta, fixture body, fixture answer)."""
    out = {}
    for model_file, module, client in (("dbss.json", "huaweicloudsdkdbss.v1", "DbssClient"),
                                       ("taurusdb.json", "huaweicloudsdkgaussdb.v3", "GaussDBClient")):
        with open(os.path.join(ROOT, "models", "huaweicloud", model_file), encoding="utf-8") as f:
            model = json.load(f)
        for op in model["operations"]:
            d = os.path.join(ROOT, "fixtures", "huaweicloud", op["name"])
            with open(os.path.join(d, "meta.json"), encoding="utf-8") as f:
                meta = json.load(f)
            body = None
            if meta.get("request"):
                with open(os.path.join(d, meta["request"]), encoding="utf-8") as f:
                    body = json.load(f)
            with open(os.path.join(d, meta["response"]["file"]), "rb") as f:
                answer = f.read()
            if meta["response"]["file"].endswith(".json"):
                answer = json.loads(answer.decode("utf-8"))
            # Keyed by vendor too: a CynosDB action may share a name.
            out["huaweicloud/" + op["name"]] = (module, client, op["method"], op, meta, body, answer)
    return dict(sorted(out.items()))


HW_OPERATIONS = huawei_operations()
HW_ORDER = list(HW_OPERATIONS)
for _name, _entry in HW_OPERATIONS.items():
    RESPONSES[_name] = (200, _entry[6])

captured = []


# Each side sends the Huawei operations one at a time in HW_ORDER; the one in flight.
huawei_next = [0]


def operation_of(path, headers):
    if headers.get("x-tc-action"):
        return headers["x-tc-action"]
    i = huawei_next[0]
    huawei_next[0] += 1
    return HW_ORDER[i] if i < len(HW_ORDER) else "unknown"


class Capture(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0") or 0)
        body = self.rfile.read(length) if length else b""
        split = urlsplit(self.path)
        headers = {}
        for k, v in self.headers.items():
            headers[k.lower()] = v
        op = operation_of(split.path, headers)
        captured.append({
            "operation": op,
            "method": self.command,
            "path": split.path,
            "query": sorted(parse_qsl(split.query, keep_blank_values=True)),
            "headers": headers,
            "body": body,
        })
        status, answer = RESPONSES.get(op, (404, {"error_code": "WIRE.404", "error_msg": op}))
        # A downloaded file is sent as it is; every other answer as JSON.
        raw = isinstance(answer, bytes)
        data = answer if raw else json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/octet-stream" if raw else "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("X-Request-Id", "wire-request")
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST
    do_PUT = do_POST
    do_DELETE = do_POST
    do_PATCH = do_POST

    def log_message(self, *args):
        pass


def official_calls(url, host_port):
    from tencentcloud.common import credential
    from tencentcloud.common.profile.client_profile import ClientProfile
    from tencentcloud.common.profile.http_profile import HttpProfile
    from tencentcloud.cynosdb.v20190107 import cynosdb_client, models

    profile = ClientProfile(httpProfile=HttpProfile(protocol="http", endpoint=host_port))
    tc = cynosdb_client.CynosdbClient(credential.Credential(TC_ID, TC_KEY), "ap-guangzhou", profile)
    req = models.PauseServerlessRequest()
    req.ClusterId = CLUSTER
    tc.PauseServerless(req)
    req = models.DescribeServerlessStrategyRequest()
    req.ClusterId = CLUSTER
    tc.DescribeServerlessStrategy(req)

    from tencentcloud.common.common_client import CommonClient

    common = CommonClient("cynosdb", "2019-01-07", credential.Credential(TC_ID, TC_KEY),
                          "ap-guangzhou", profile=profile)
    for name, (body, _answer, _meta) in TC_ACTIONS.items():
        if name not in TC_TYPED:
            common.call_json(name, body)

    from huaweicloudsdkcore.auth.credentials import BasicCredentials

    creds = BasicCredentials(HW_AK, HW_SK, HW_PROJECT)
    clients = {}
    huawei_next[0] = 0
    for key, (module_name, client_name, method, op, meta, body, _answer) in HW_OPERATIONS.items():
        name = op["name"]
        module = importlib.import_module(module_name)
        if client_name not in clients:
            cls = getattr(module, client_name)
            clients[client_name] = cls.new_builder().with_credentials(creds).with_endpoint(url).build()
        request = getattr(module, name + "Request")()
        by_wire = {wire: attr for attr, wire in request.attribute_map.items()}
        for m in op["input"]:
            where = m.get("in", "body")
            if where in ("path", "query", "header") and m["name"] in meta["inputs"]:
                setattr(request, by_wire[m["wire"]], meta["inputs"][m["name"]])
        if body is not None:
            # The fixture's body as it is: the client serialises a dict member by member.
            request.body = body
        form = [m for m in op["input"] if m.get("in") == "form"]
        if form:
            # A multipart form: the SDK's body class, its file a FormFile of the fixture's file.
            from huaweicloudsdkcore.http.formdata import FormFile
            form_body = getattr(module, request.openapi_types["body"])()
            form_wire = {wire: attr for attr, wire in form_body.attribute_map.items()}
            for m in form:
                value = meta["inputs"].get(m["name"])
                if value is None:
                    continue
                if m["type"] == "file":
                    folder = os.path.join(ROOT, "target", "wire-files")
                    os.makedirs(folder, exist_ok=True)
                    path = os.path.join(folder, value["file_name"])
                    with open(path, "wb") as f:
                        f.write(value["content"].encode("utf-8"))
                    value = FormFile(path)
                setattr(form_body, form_wire[m["wire"]], value)
            request.body = form_body
        try:
            getattr(clients[client_name], method)(request)
        except Exception as e:  # the answer is not what the official client decodes: the request is what counts
            print("%s: the official client could not decode the answer: %s" % (name, e), file=sys.stderr)


def signed_names(headers):
    auth = headers.get("authorization", "")
    for part in auth.replace(",", " ").split():
        if part.startswith("SignedHeaders="):
            return set(part[len("SignedHeaders="):].split(";"))
    return set()


def recompute(req):
    """The Authorization the official signer computes for the request as received."""
    headers = req["headers"]
    auth = headers.get("authorization", "")
    if auth.startswith("TC3-HMAC-SHA256"):
        from tencentcloud.common.abstract_client import AbstractClient

        class Fake:
            pass

        fake = Fake()
        fake.method = req["method"]
        fake.uri = req["path"]
        fake.data = req["body"].decode("utf-8")
        fake.header = {"Content-Type": headers["content-type"], "Host": headers["host"],
                       "X-TC-Timestamp": headers["x-tc-timestamp"]}
        ts = int(headers["x-tc-timestamp"])
        date = datetime.datetime.fromtimestamp(ts, datetime.timezone.utc).strftime("%Y-%m-%d")
        client = AbstractClient.__new__(AbstractClient)
        sig = AbstractClient._get_tc3_signature(client, {}, fake, date, "cynosdb", TC_KEY)
        return "TC3-HMAC-SHA256 Credential=%s/%s/cynosdb/tc3_request, SignedHeaders=content-type;host, Signature=%s" % (
            TC_ID, date, sig)
    if auth.startswith("SDK-HMAC-SHA256"):
        from huaweicloudsdkcore.auth.credentials import BasicCredentials
        from huaweicloudsdkcore.sdk_request import SdkRequest
        from huaweicloudsdkcore.signer.signer import Signer

        names = signed_names(headers)
        sdk = SdkRequest(method=req["method"], schema="http", host=headers["host"],
                         resource_path=req["path"], query_params=list(req["query"]),
                         header_params={n: headers[n] for n in names}, body=req["body"])
        signer = Signer(BasicCredentials(HW_AK, HW_SK))
        signed = sorted(names)
        canonical = signer._process_canonical_request(sdk, signed)
        t = datetime.datetime.strptime(headers["x-sdk-date"], "%Y%m%dT%H%M%SZ")
        sts = signer._process_string_to_sign(canonical, t)
        return signer._process_auth_header_value(signer._sign_string_to_sign(sts, HW_SK), HW_AK, signed)
    return None


def json_body(b):
    if not b:
        return None
    return json.loads(b.decode("utf-8"))


def form_parts(content_type, b):
    """The parts of a multipart/form-data body in name order: (name, file name, content type,
    content)."""
    boundary = content_type.split("boundary=", 1)[1].strip('"')
    parts = []
    for chunk in b.split(b"--" + boundary.encode())[1:]:
        if chunk.startswith(b"--"):
            break
        head, _, content = chunk[2:].partition(b"\r\n\r\n")
        fields = {"name": None, "filename": None, "content-type": None}
        for line in head.decode("utf-8").split("\r\n"):
            key, _, value = line.partition(":")
            if key.lower() == "content-type":
                fields["content-type"] = value.strip()
            for param in value.split(";")[1:]:
                k, _, v = param.strip().partition("=")
                fields[k] = v.strip('"')
        parts.append((fields["name"], fields["filename"], fields["content-type"],
                      content[:-2] if content.endswith(b"\r\n") else content))
    return sorted(parts)


def body_of(req):
    """A body as compared: the parts of a form, else the JSON value."""
    content_type = req["headers"].get("content-type", "")
    if content_type.startswith("multipart/form-data"):
        return form_parts(content_type, req["body"])
    return json_body(req["body"])


def compare(op, official, ours):
    problems, kept = [], []

    def diff(header, what, detail):
        reason = (EXPECTED.get((op, header, what))
                  or (op in TC_ACTIONS and EXPECTED.get(("tc", header, what)))
                  or (not ours["body"] and EXPECTED.get((ours["method"], header, what)))
                  or EXPECTED.get(("*", header, what)))
        if reason:
            kept.append("%s %s (%s): %s" % (header, what, detail, reason))
        else:
            problems.append("%s %s differs: %s" % (header, what, detail))

    for field in ("method", "path", "query"):
        if official[field] != ours[field]:
            problems.append("%s: official %r, project %r" % (field, official[field], ours[field]))
    if body_of(official) != body_of(ours):
        skipped = [c for c in TC_ACTIONS.get(op, (None, None, {}))[2].get("contradictions", [])
                   if c.get("skip_body_check")]
        if skipped:
            kept.append("body differs from the documented one: %s" % skipped[0]["what"])
        else:
            problems.append("body: official %r, project %r" % (official["body"], ours["body"]))
    oh, mh = official["headers"], ours["headers"]
    for name in sorted(set(oh) | set(mh)):
        if name not in mh:
            diff(name, "sent", "only the official client sends it")
        elif name not in oh:
            diff(name, "sent", "only the project sends it")
        elif oh[name] != mh[name]:
            if name == "content-type" and oh[name].split(";")[0] == mh[name].split(";")[0] == "multipart/form-data":
                diff(name, "value", "the boundary")
            else:
                diff(name, "value", "official %r, project %r" % (oh[name], mh[name]))
    os_, ms = signed_names(oh), signed_names(mh)
    for name in sorted(os_ ^ ms):
        diff(name, "signed", "signed only by the %s" % ("official client" if name in os_ else "project"))
    for who, req in (("official", official), ("project", ours)):
        if req["method"] == "POST" and not req["body"]:
            if req["headers"].get("content-length") != "0":
                problems.append("%s: a bodyless POST without Content-Length: 0" % who)
    again = recompute(ours)
    if again is not None and again != mh.get("authorization"):
        problems.append("the official signer computes %r for the project's request as received, "
                        "which carries %r" % (again, mh.get("authorization")))
    return problems, kept


def main(argv):
    if len(argv) != 1:
        print(__doc__)
        return 2
    server = ThreadingHTTPServer(("127.0.0.1", 0), Capture)
    port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = "http://127.0.0.1:%d" % port
    official_calls(url, "127.0.0.1:%d" % port)
    n_official = len(captured)
    huawei_next[0] = 0
    run = subprocess.run([argv[0], "wire-client", url])
    if run.returncode != 0:
        print("the project's client failed")
        return 1
    server.shutdown()
    official = {r["operation"]: r for r in captured[:n_official]}
    ours = {r["operation"]: r for r in captured[n_official:]}
    failed = False
    agreed = 0
    for op in RESPONSES:
        if op not in official or op not in ours:
            print("%s: missing (official %s, project %s)" % (op, op in official, op in ours))
            failed = True
            continue
        problems, kept = compare(op, official[op], ours[op])
        agreed += not problems
        signed = ";".join(sorted(signed_names(ours[op]["headers"])))
        synthesised = op in HW_OPERATIONS and HW_OPERATIONS[op][4].get("synthesised")
        if not problems and ((op in TC_ACTIONS and op not in TC_TYPED) or synthesised):
            # The kept differences of every CommonClient call and every converted Huawei
            # operation are the same few headers, listed with their reasons in EXPECTED.
            extra = [k for k in kept if not k.startswith("x-tc-") and not any(
                k.startswith(h) for h in ("user-agent", "accept-encoding", "connection",
                                          "content-length", "authorization", "x-sdk-date"))]
            print("%s: agrees%s" % (op, "".join("\n  kept on purpose: %s" % k for k in extra)))
            continue
        print("%s: %s" % (op, "DIFFERS" if problems else "agrees"))
        print("  %s %s, signed %s, Content-Length %s" % (
            ours[op]["method"], ours[op]["path"], signed, ours[op]["headers"].get("content-length")))
        for p in problems:
            print("  difference: %s" % p)
        for k in kept:
            print("  kept on purpose: %s" % k)
        failed = failed or bool(problems)
    print("%d of %d operations agree with the official clients" % (agreed, len(RESPONSES)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
